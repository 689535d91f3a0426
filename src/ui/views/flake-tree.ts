/**
 * The Flake view: each flake folder → groups (NixOS configurations, images, packages by system,
 * deploy nodes, other outputs) → outputs. Nodes are plain data (a discriminated union); items
 * are built from them in getTreeItem. A failure is shown as a node with the message, never as
 * an empty tree.
 */
import { basename, relative } from 'node:path';
import * as vscode from 'vscode';
import type { DeployNodeOutput, FlakeOutputs, ImageOutput, NixosConfigurationOutput, OtherOutput, PackageOutput } from '../../core/nix';
import type { FlakeWorkspace } from '../flake/flake-workspace';

export type FlakeNode =
  | { readonly kind: 'flake'; readonly flakeDir: string }
  | { readonly kind: 'message'; readonly flakeDir: string; readonly text: string; readonly detail?: string; readonly isError: boolean; readonly location?: { file: string; line: number; column: number } }
  | { readonly kind: 'group'; readonly flakeDir: string; readonly group: 'nixosConfigurations' | 'images' | 'packages' | 'deploy' | 'other' }
  | { readonly kind: 'system'; readonly flakeDir: string; readonly system: string }
  | { readonly kind: 'configuration'; readonly flakeDir: string; readonly output: NixosConfigurationOutput }
  | { readonly kind: 'image'; readonly flakeDir: string; readonly output: ImageOutput }
  | { readonly kind: 'package'; readonly flakeDir: string; readonly output: PackageOutput }
  | { readonly kind: 'deployNode'; readonly flakeDir: string; readonly output: DeployNodeOutput }
  | { readonly kind: 'other'; readonly flakeDir: string; readonly output: OtherOutput };

/** Output nodes carry what commands need: the flake folder and the attribute path. */
export function installableOf(node: FlakeNode): string | undefined {
  switch (node.kind) {
    case 'configuration':
    case 'image':
    case 'package':
    case 'deployNode':
      return `${node.flakeDir}#${node.output.attrPath}`;
    case 'other':
      return `${node.flakeDir}#${node.output.name}`;
    default:
      return undefined;
  }
}

const GROUP_TITLES = {
  nixosConfigurations: 'NixOS configurations',
  images: 'Images',
  packages: 'Packages',
  deploy: 'Deploy nodes',
  other: 'Other outputs',
} as const;

export class FlakeTreeProvider implements vscode.TreeDataProvider<FlakeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<FlakeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly flakes: FlakeWorkspace) {
    // A state change of one flake redraws that flake's subtree only.
    this.subscription = flakes.onDidChange((flakeDir) => this.emitter.fire(flakeDir === undefined ? undefined : { kind: 'flake', flakeDir }));
  }

  async getChildren(node?: FlakeNode): Promise<FlakeNode[]> {
    if (!this.flakes.trusted) return [];
    if (node === undefined) {
      const dirs = await this.flakes.getFlakeDirs();
      return dirs.map((flakeDir) => ({ kind: 'flake', flakeDir }));
    }
    switch (node.kind) {
      case 'flake':
        return this.flakeChildren(node.flakeDir);
      case 'group':
        return this.groupChildren(node);
      case 'system': {
        const outputs = this.outputsOf(node.flakeDir);
        return (outputs?.packages ?? [])
          .filter((p) => p.system === node.system)
          .map((output) => ({ kind: 'package', flakeDir: node.flakeDir, output }));
      }
      default:
        return [];
    }
  }

  getParent(node: FlakeNode): FlakeNode | undefined {
    switch (node.kind) {
      case 'flake':
        return undefined;
      case 'message':
      case 'group':
        return { kind: 'flake', flakeDir: node.flakeDir };
      case 'system':
        return { kind: 'group', flakeDir: node.flakeDir, group: 'packages' };
      case 'package':
        return { kind: 'system', flakeDir: node.flakeDir, system: node.output.system };
      case 'configuration':
        return { kind: 'group', flakeDir: node.flakeDir, group: 'nixosConfigurations' };
      case 'image':
        return { kind: 'group', flakeDir: node.flakeDir, group: 'images' };
      case 'deployNode':
        return { kind: 'group', flakeDir: node.flakeDir, group: 'deploy' };
      case 'other':
        return { kind: 'group', flakeDir: node.flakeDir, group: 'other' };
    }
  }

  getTreeItem(node: FlakeNode): vscode.TreeItem {
    const id = nodeId(node);
    switch (node.kind) {
      case 'flake': {
        const item = new vscode.TreeItem(flakeLabel(node.flakeDir), vscode.TreeItemCollapsibleState.Expanded);
        const state = this.flakes.state(node.flakeDir);
        item.description = (state.status === 'ready' ? state.outputs.description : state.status === 'loading' ? vscode.l10n.t('evaluating…') : undefined) ?? '';
        item.tooltip = node.flakeDir;
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = 'flake';
        item.resourceUri = vscode.Uri.file(node.flakeDir);
        return withId(item, id);
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.isError ? 'error' : 'info');
        item.tooltip = node.detail ?? node.text;
        item.contextValue = node.isError ? 'error' : 'message';
        if (node.location !== undefined) {
          const position = new vscode.Position(Math.max(0, node.location.line - 1), Math.max(0, node.location.column - 1));
          item.command = {
            title: vscode.l10n.t('Go to Error'),
            command: 'vscode.open',
            arguments: [vscode.Uri.file(node.location.file), { selection: new vscode.Range(position, position) }],
          };
          item.description = `${relative(node.flakeDir, node.location.file)}:${node.location.line}`;
        }
        return withId(item, id);
      }
      case 'group': {
        const item = new vscode.TreeItem(GROUP_TITLES[node.group], vscode.TreeItemCollapsibleState.Expanded);
        item.contextValue = `group.${node.group}`;
        return withId(item, id);
      }
      case 'system': {
        const item = new vscode.TreeItem(node.system, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.tooltip = vscode.l10n.t('packages.{0}: built on {0}', node.system);
        item.contextValue = 'system';
        return withId(item, id);
      }
      case 'configuration': {
        const o = node.output;
        const item = new vscode.TreeItem(o.name, vscode.TreeItemCollapsibleState.None);
        item.description = platformText(o.hostSystem, o.buildSystem) ?? '';
        item.tooltip = `${o.attrPath}\n${vscode.l10n.t('runs on {0}', o.hostSystem ?? '?')}${o.buildSystem !== undefined && o.buildSystem !== o.hostSystem ? `\n${vscode.l10n.t('cross-built on {0}', o.buildSystem)}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('vm');
        item.contextValue = 'output.nixosConfiguration';
        return withId(item, id);
      }
      case 'image': {
        const o = node.output;
        const item = new vscode.TreeItem(o.name, vscode.TreeItemCollapsibleState.None);
        item.description = o.drvName ?? '';
        item.tooltip = `${o.attrPath}${o.system === undefined ? '' : `\n${vscode.l10n.t('built on {0}', o.system)}`}`;
        item.iconPath = new vscode.ThemeIcon('save');
        item.contextValue = 'output.image';
        return withId(item, id);
      }
      case 'package': {
        const o = node.output;
        const item = new vscode.TreeItem(o.name, vscode.TreeItemCollapsibleState.None);
        item.description = o.isCross ? vscode.l10n.t('{0} · runs on {1} (cross)', o.drvName ?? '', o.hostSystem ?? '?') : (o.drvName ?? '');
        item.tooltip = `${o.attrPath}\n${vscode.l10n.t('built on {0}, runs on {1}', o.system, o.hostSystem ?? o.system)}`;
        item.iconPath = new vscode.ThemeIcon(o.isCross ? 'arrow-swap' : 'symbol-method');
        item.contextValue = o.isCross ? 'output.package.cross' : 'output.package';
        return withId(item, id);
      }
      case 'deployNode': {
        const o = node.output;
        const item = new vscode.TreeItem(o.name, vscode.TreeItemCollapsibleState.None);
        const user = o.sshUser === undefined ? '' : `${o.sshUser}@`;
        item.description = o.hostname === undefined ? vscode.l10n.t('no hostname') : `${user}${o.hostname}`;
        item.tooltip = [
          o.attrPath,
          vscode.l10n.t('profiles: {0}', o.profiles.map((p) => p.name).join(', ') || '—'),
          o.magicRollback === false ? vscode.l10n.t('magic rollback off') : vscode.l10n.t('magic rollback on'),
        ].join('\n');
        item.iconPath = new vscode.ThemeIcon('rocket');
        item.contextValue = 'output.deployNode';
        return withId(item, id);
      }
      case 'other': {
        const o = node.output;
        const item = new vscode.TreeItem(o.name, vscode.TreeItemCollapsibleState.None);
        item.description = o.children.length > 0 ? o.children.join(', ') : o.kind;
        item.contextValue = 'output.other';
        return withId(item, id);
      }
    }
  }

  private outputsOf(flakeDir: string): FlakeOutputs | undefined {
    const state = this.flakes.state(flakeDir);
    if (state.status === 'ready') return state.outputs;
    if (state.status === 'loading') return state.previous;
    return undefined;
  }

  private async flakeChildren(flakeDir: string): Promise<FlakeNode[]> {
    const state = await this.flakes.load(flakeDir);
    if (state.status === 'error') {
      const e = state.error;
      return [
        {
          kind: 'message',
          flakeDir,
          text: e.message,
          isError: true,
          ...(e.detail === undefined ? {} : { detail: e.detail }),
          ...(e.location === undefined ? {} : { location: e.location }),
        },
      ];
    }
    if (state.status !== 'ready') return [];
    const o = state.outputs;
    const groups: FlakeNode[] = [];
    const add = (group: Extract<FlakeNode, { kind: 'group' }>['group'], count: number): void => {
      if (count > 0) groups.push({ kind: 'group', flakeDir, group });
    };
    add('nixosConfigurations', o.nixosConfigurations.length);
    add('images', o.images.length);
    add('packages', o.packages.length);
    add('deploy', o.deployNodes.length);
    add('other', o.other.length);
    if (groups.length === 0) groups.push({ kind: 'message', flakeDir, text: vscode.l10n.t('This flake has no outputs.'), isError: false });
    return groups;
  }

  private groupChildren(node: Extract<FlakeNode, { kind: 'group' }>): FlakeNode[] {
    const o = this.outputsOf(node.flakeDir);
    if (o === undefined) return [];
    const flakeDir = node.flakeDir;
    switch (node.group) {
      case 'nixosConfigurations':
        return o.nixosConfigurations.map((output) => ({ kind: 'configuration', flakeDir, output }));
      case 'images':
        return o.images.map((output) => ({ kind: 'image', flakeDir, output }));
      case 'packages':
        return [...new Set(o.packages.map((p) => p.system))].map((system) => ({ kind: 'system', flakeDir, system }));
      case 'deploy':
        return o.deployNodes.map((output) => ({ kind: 'deployNode', flakeDir, output }));
      case 'other':
        return o.other.map((output) => ({ kind: 'other', flakeDir, output }));
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function flakeLabel(flakeDir: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(flakeDir));
  if (folder === undefined) return basename(flakeDir);
  const rel = relative(folder.uri.fsPath, flakeDir);
  return rel === '' ? folder.name : `${folder.name}/${rel}`;
}

function platformText(host: string | undefined, build: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  return build !== undefined && build !== host ? vscode.l10n.t('{0} (cross from {1})', host, build) : host;
}

function nodeId(node: FlakeNode): string {
  switch (node.kind) {
    case 'flake':
      return `flake:${node.flakeDir}`;
    case 'message':
      return `message:${node.flakeDir}:${node.text}`;
    case 'group':
      return `group:${node.flakeDir}:${node.group}`;
    case 'system':
      return `system:${node.flakeDir}:${node.system}`;
    default:
      return `output:${installableOf(node) ?? ''}`;
  }
}

function withId(item: vscode.TreeItem, id: string): vscode.TreeItem {
  item.id = id;
  return item;
}

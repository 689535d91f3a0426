/**
 * The `nix` task type: `{"type": "nix", "installable": ".#images.vulpix"}` in tasks.json runs
 * the bundled CLI's `build`, which prints errors as `file:line:col: error: message` with store
 * paths mapped back to the workspace, so the `$nixos-devices` problem matcher lands on them.
 */
import * as vscode from 'vscode';
import { buildTargets } from './build-targets';
import type { FlakeWorkspace } from '../flake/flake-workspace';
import { NIX_TASK_TYPE } from '../contribution-ids';


interface NixTaskDefinition extends vscode.TaskDefinition {
  readonly installable: string;
}

function isNixTaskDefinition(definition: vscode.TaskDefinition): definition is NixTaskDefinition {
  return definition.type === NIX_TASK_TYPE && typeof definition['installable'] === 'string' && definition['installable'].length > 0;
}

export class NixTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly flakes: FlakeWorkspace,
  ) {}

  async provideTasks(): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return [];
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder === undefined) return [];
    const targets = buildTargets(await this.flakes.allOutputs(), []).filter((t) => t.kind !== 'package' || t.hostSystem !== undefined);
    return targets.map((t) => {
      const relative = vscode.workspace.asRelativePath(t.flakeDir, false);
      const flakeRef = t.flakeDir === folder.uri.fsPath ? '.' : `./${relative}`;
      return this.taskFor({ type: NIX_TASK_TYPE, installable: `${flakeRef}#${t.attrPath}` }, folder);
    });
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    if (!isNixTaskDefinition(task.definition)) return undefined;
    const scope = task.scope !== undefined && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    return scope === undefined ? undefined : this.taskFor(task.definition, scope);
  }

  private taskFor(definition: NixTaskDefinition, folder: vscode.WorkspaceFolder): vscode.Task {
    const cli = vscode.Uri.joinPath(this.extensionUri, 'dist', 'cli.js').fsPath;
    const execution = new vscode.ProcessExecution(process.execPath, [cli, 'build', definition.installable], {
      cwd: folder.uri.fsPath,
      // VS Code's own binary runs the CLI as Node (code-server's runtime is Node already).
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    const task = new vscode.Task(definition, folder, vscode.l10n.t('build {0}', definition.installable), 'nix', execution, '$nixos-devices');
    task.group = vscode.TaskGroup.Build;
    return task;
  }
}

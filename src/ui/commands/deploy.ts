/**
 * Deploy and the generation actions, from the Devices view, code lenses and the palette. A
 * deploy builds the node's profile, shows the closure diff in a webview (Deploy / Cancel), copies, activates
 * with magic rollback and reports the typed outcome: a rollback is shown as an error, never as
 * success. Generation actions keep profile and boot menu in agreement (core/deploy).
 */
import * as vscode from 'vscode';
import {
  asRoot,
  buildDeployNode,
  DEFAULT_BOARD_PATHS,
  deploySucceeded,
  outcomeError,
  resolveDeployNodes,
  rollbackGeneration,
  setBootGeneration,
  startDeployMany,
  switchToGeneration,
  type GenerationActionContext,
} from '../../core/deploy';
import type { Device } from '../../core/devices';
import { DevicesError } from '../../core/errors';
import type { Ctx } from '../ctx';
import { showJobProgress } from '../job-progress';
import { channelLogger } from '../log';
import { showError } from '../show-error';
import { nodeNameOfAttrPath } from '../devices/node-name';
import type { DeviceNode } from '../views/devices-tree';
import { askToDeploy } from '../webviews/deploy-diff-panel';
import type { FlakeNode } from '../views/flake-tree';

async function pickDevice(ctx: Ctx, deployableOnly: boolean): Promise<Device | undefined> {
  const devices = (await ctx.devicesTree.devices()).filter((d) => !deployableOnly || d.deployNode !== undefined);
  if (devices.length === 0) throw new DevicesError('NOT_FOUND', vscode.l10n.t('No deploy nodes were found: add deploy.nodes to your flake.'));
  const picked = await vscode.window.showQuickPick(
    devices.map((d) => ({ label: d.name, description: d.host ?? '', device: d })),
    { title: deployableOnly ? vscode.l10n.t('Deploy') : vscode.l10n.t('Device') },
  );
  return picked?.device;
}

export function deploy(ctx: Ctx) {
  return async (arg?: DeviceNode | FlakeNode | { flakeDir: string; attrPath: string }): Promise<void> => {
    if (!vscode.workspace.isTrusted) throw new DevicesError('UNTRUSTED_WORKSPACE', vscode.l10n.t('Deploying builds and runs the flake\'s code: trust this workspace first.'));
    let device: Device | undefined;
    if (arg === undefined) device = await pickDevice(ctx, true);
    else if ('kind' in arg && 'device' in arg) device = arg.device;
    else {
      const flakeDir = arg.flakeDir;
      const name = 'kind' in arg ? (arg.kind === 'deployNode' ? arg.output.name : undefined) : nodeNameOfAttrPath(arg.attrPath);
      device = (await ctx.devicesTree.devices()).find((d) => d.name === name && d.flakeDir === flakeDir);
    }
    if (device === undefined) return;
    const { flakeDir, deployNode } = device;
    if (flakeDir === undefined || deployNode === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('{0} is not a deploy node of a flake in this workspace.', device.name));
    const nix = ctx.flakes.nixCli;
    const target = device;
    const systemPath = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Building {0}…', target.name), cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const [resolved] = await resolveDeployNodes(nix, flakeDir, [target.name], controller.signal);
          if (resolved === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('Deploy node {0} was not found.', target.name));
          return await buildDeployNode(nix, flakeDir, resolved, controller.signal);
        } finally {
          sub.dispose();
        }
      },
    );
    const job = startDeployMany(
      [
        {
          node: target.name,
          link: ctx.devices.link(target),
          systemPath,
          mode: 'switch',
          magicRollback: deployNode.magicRollback ?? true,
          ...(deployNode.confirmTimeout === undefined ? {} : { confirmTimeoutS: deployNode.confirmTimeout }),
          ...(deployNode.activationTimeout === undefined ? {} : { activationTimeoutS: deployNode.activationTimeout }),
          approve: (diff) => askToDeploy(ctx.extension.extensionUri, target.name, target.host ?? target.name, systemPath, diff),
        },
      ],
      { logger: channelLogger(ctx.log) },
    );
    void showJobProgress(job, ctx.log);
    const outcome = await job.done;
    ctx.devicesTree.refresh(target);
    if (outcome.status !== 'succeeded') {
      await showError(outcome.error, ctx.log);
      return;
    }
    for (const report of outcome.value) {
      if (deploySucceeded(report.outcome)) void vscode.window.showInformationMessage(vscode.l10n.t('Deployed {0}: {1}.', report.node, report.outcome.kind));
      else await showError(outcomeError(report.node, report.outcome), ctx.log);
    }
  };
}

async function actionContext(ctx: Ctx, device: Device): Promise<GenerationActionContext> {
  const connection = await ctx.devices.link(device).connection();
  return { connection, commands: { exec: (argv, options) => connection.exec(asRoot(connection, argv), options) }, paths: DEFAULT_BOARD_PATHS };
}

function generationArg(node: DeviceNode | undefined): { device: Device; generation: number } | undefined {
  if (node?.kind === 'generation') return { device: node.device, generation: node.generation.number };
  if (node?.kind === 'bootEntry' && node.row.generation !== undefined) return { device: node.device, generation: node.row.generation };
  return undefined;
}

export function setBootDefault(ctx: Ctx) {
  return async (node?: DeviceNode): Promise<void> => {
    const target = generationArg(node);
    if (target === undefined) return;
    const ok = vscode.l10n.t('Make Default');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Make generation {0} what {1} boots by default?', target.generation, target.device.name),
      { modal: true, detail: vscode.l10n.t('The profile and the extlinux boot menu are switched; the running system stays until the next reboot.') },
      ok,
    );
    if (choice !== ok) return;
    await setBootGeneration(await actionContext(ctx, target.device), target.generation);
    ctx.devicesTree.refresh(target.device);
  };
}

export function switchGeneration(ctx: Ctx) {
  return async (node?: DeviceNode): Promise<void> => {
    const target = generationArg(node);
    if (target === undefined) return;
    const ok = vscode.l10n.t('Switch Now');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Activate generation {0} on {1} now?', target.generation, target.device.name), { modal: true }, ok);
    if (choice !== ok) return;
    await switchToGeneration(await actionContext(ctx, target.device), target.generation);
    ctx.devicesTree.refresh(target.device);
  };
}

export function rollbackDevice(ctx: Ctx) {
  return async (node?: DeviceNode): Promise<void> => {
    const device = node?.device ?? (await pickDevice(ctx, false));
    if (device === undefined) return;
    const ok = vscode.l10n.t('Roll Back');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Roll {0} back to its previous generation?', device.name), { modal: true }, ok);
    if (choice !== ok) return;
    await rollbackGeneration(await actionContext(ctx, device));
    ctx.devicesTree.refresh(device);
  };
}

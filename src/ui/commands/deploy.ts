/**
 * Deploy and the generation actions, from the Devices view, code lenses and the palette. A
 * deploy builds the node's profile, shows the closure diff in a webview (Deploy / Cancel), copies, activates
 * with magic rollback and reports the typed outcome: a rollback is shown as an error, never as
 * success. Generation actions keep profile and boot menu in agreement (core/deploy).
 */
import * as vscode from 'vscode';
import {
  asRoot,
  boardBootOperations,
  buildDeployNode,
  DEFAULT_BOARD_PATHS,
  deploySucceeded,
  outcomeError,
  resolveDeployNodes,
  rollbackGeneration,
  setBootGeneration,
  startDeployMany,
  type DeployOutcome,
  switchToGeneration,
  type GenerationActionContext,
} from '../../core/deploy';
import { startBootTest } from '../../core/boot';
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

type DeployArg = DeviceNode | FlakeNode | { flakeDir: string; attrPath: string };

/** The deploy node an argument names (a Devices or Flake view node, a lens's flake and attr). */
async function deviceOfArg(ctx: Ctx, arg: DeployArg | undefined): Promise<Device | undefined> {
  if (arg === undefined) return pickDevice(ctx, true);
  if ('kind' in arg && 'device' in arg) return arg.device;
  const flakeDir = arg.flakeDir;
  const name = 'kind' in arg ? (arg.kind === 'deployNode' ? arg.output.name : undefined) : nodeNameOfAttrPath(arg.attrPath);
  return (await ctx.devicesTree.devices()).find((d) => d.name === name && d.flakeDir === flakeDir);
}

/** Builds the node's system with a cancellable notification; its store path. */
async function buildSystem(ctx: Ctx, device: Device & { flakeDir: string }): Promise<string> {
  const nix = ctx.flakes.nixCli;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Building {0}…', device.name), cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const [resolved] = await resolveDeployNodes(nix, device.flakeDir, [device.name], controller.signal);
        if (resolved === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('Deploy node {0} was not found.', device.name));
        return await buildDeployNode(nix, device.flakeDir, resolved, controller.signal);
      } finally {
        sub.dispose();
      }
    },
  );
}

function deployableOf(device: Device): Device & { flakeDir: string; deployNode: NonNullable<Device['deployNode']> } {
  const { flakeDir, deployNode } = device;
  if (flakeDir === undefined || deployNode === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('{0} is not a deploy node of a flake in this workspace.', device.name));
  return { ...device, flakeDir, deployNode };
}

/**
 * Copies and activates a built system (`switch` with magic rollback, or `boot`: the default
 * entry changes, nothing is switched) after the diff webview's Deploy; the node's outcome.
 */
async function activateSystem(ctx: Ctx, target: ReturnType<typeof deployableOf>, systemPath: string, mode: 'switch' | 'boot', signal?: AbortSignal): Promise<DeployOutcome> {
  const { deployNode } = target;
  const job = startDeployMany(
    [
      {
        node: target.name,
        link: ctx.devices.link(target),
        systemPath,
        mode,
        magicRollback: deployNode.magicRollback ?? true,
        ...(deployNode.confirmTimeout === undefined ? {} : { confirmTimeoutS: deployNode.confirmTimeout }),
        ...(deployNode.activationTimeout === undefined ? {} : { activationTimeoutS: deployNode.activationTimeout }),
        approve: (diff) => askToDeploy(ctx.extension.extensionUri, target.name, target.host ?? target.name, systemPath, diff),
      },
    ],
    { logger: channelLogger(ctx.log) },
  );
  signal?.addEventListener('abort', () => job.cancel(), { once: true });
  void showJobProgress(job, ctx.log);
  const outcome = await job.done;
  ctx.devicesTree.refresh(target);
  if (outcome.status !== 'succeeded') throw outcome.error;
  const report = outcome.value.find((r) => r.node === target.name);
  if (report === undefined) throw new DevicesError('INTERNAL', `The deploy of ${target.name} reported nothing.`);
  return report.outcome;
}

export function deploy(ctx: Ctx) {
  return async (arg?: DeployArg): Promise<void> => {
    if (!vscode.workspace.isTrusted) throw new DevicesError('UNTRUSTED_WORKSPACE', vscode.l10n.t('Deploying builds and runs the flake\'s code: trust this workspace first.'));
    const device = await deviceOfArg(ctx, arg);
    if (device === undefined) return;
    const target = deployableOf(device);
    const systemPath = await buildSystem(ctx, target);
    const outcome = await activateSystem(ctx, target, systemPath, 'switch');
    if (deploySucceeded(outcome)) void vscode.window.showInformationMessage(vscode.l10n.t('Deployed {0}: {1}.', target.name, outcome.kind));
    else await showError(outcomeError(target.name, outcome), ctx.log);
  };
}

/** A modal-free "power-cycle now" prompt: Done resolves, dismissing rejects CANCELLED. */
export function promptPowerCycle(message: string, signal: AbortSignal): Promise<void> {
  const done = vscode.l10n.t('Done');
  return new Promise<void>((resolve, reject) => {
    // Not modal: the menu may come (and settle this) while the user is still at the board.
    void vscode.window.showWarningMessage(message, done).then((choice) => {
      if (signal.aborted || choice === done) resolve();
      else reject(new DevicesError('CANCELLED', vscode.l10n.t('Power-cycle cancelled.')));
    });
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Deploy with a boot test, for changes that only take effect at reboot (a kernel switch):
 * activate with `boot`, reboot, watch the console; when the new system does not come up, the
 * console chooses the previous entry and the previous default is restored. Needs the device's
 * serial console (settings), which is opened if it is not.
 */
export function deployBootTest(ctx: Ctx) {
  return async (arg?: DeployArg): Promise<void> => {
    if (!vscode.workspace.isTrusted) throw new DevicesError('UNTRUSTED_WORKSPACE', vscode.l10n.t('Deploying builds and runs the flake\'s code: trust this workspace first.'));
    const device = await deviceOfArg(ctx, arg);
    if (device === undefined) return;
    const target = deployableOf(device);
    if (target.serial === undefined) {
      throw new DevicesError('INVALID_SETTING', vscode.l10n.t('A boot test watches {0}\'s serial console: add "serial": {"port": …} to its nixosDevices.devices entry.', target.name), {
        actions: [{ title: vscode.l10n.t('Open Settings'), command: 'workbench.action.openSettings', args: ['nixosDevices.devices'] }],
      });
    }
    const status = await ctx.devices.refresh(target);
    if (status.state !== 'online') throw new DevicesError('DEVICE_UNREACHABLE', vscode.l10n.t('{0} must answer over SSH to start a boot test: {1}', target.name, status.state === 'offline' ? status.error.message : ''));
    const previous = status.generations.generations.find((g) => g.isCurrent);
    if (previous === undefined) throw new DevicesError('NOT_FOUND', vscode.l10n.t('{0} runs no generation of its system profile: deploy it normally first.', target.name));
    const console = ctx.serialConsoles.forDevice(target.name) ?? (await ctx.serialConsoles.open({ path: target.serial.port, device: target, onDevice: target.serial.onDevice }));
    if (console.helper === undefined) throw new DevicesError('INVALID_SETTING', vscode.l10n.t('The boot test needs the u-boot helper: turn nixosDevices.serial.ubootHelper on.'));
    const systemPath = await buildSystem(ctx, target);
    const operations = boardBootOperations(ctx.devices.link(target), DEFAULT_BOARD_PATHS);
    const job = startBootTest({
      device: target.name,
      previousGeneration: previous.number,
      console: console.helper,
      operations: {
        ...operations,
        activate: async (signal) => {
          const outcome = await activateSystem(ctx, target, systemPath, 'boot', signal);
          if (outcome.kind !== 'staged-for-boot' || outcome.generation === undefined) throw outcomeError(target.name, outcome) ?? new DevicesError('DEPLOY_FAILED', vscode.l10n.t('{0}: the new system was not staged for boot ({1}).', target.name, outcome.kind));
          return { generation: outcome.generation };
        },
        confirm: operations.bootedIs(systemPath),
        powerCycle: (request, signal) => promptPowerCycle(request.message, signal),
      },
    });
    void showJobProgress(job, ctx.log);
    const outcome = await job.done;
    ctx.devicesTree.refresh(target);
    if (outcome.status !== 'succeeded') throw outcome.error;
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} booted generation {1} and confirmed it ({2}).', target.name, outcome.value.generation, outcome.value.confirmedBy));
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

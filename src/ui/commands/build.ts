/**
 * Build: from the Flake view (a node), a code lens (flake folder + attribute path), or the
 * palette (a quick pick, recent first). Warns before a native build for a foreign system when
 * this machine cannot run it (no binfmt handler or extra-platforms), offering the flake's cross
 * variant; shows the plan's expensive derivations before a long build; then progress as a
 * notification, a status bar item and the Build view, and the result's actions.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DevicesError } from '../../core/errors';
import {
  buildArgs,
  BuildHistory,
  checkForeignSystem,
  derivationName,
  findCrossVariant,
  nixSystemOf,
  planBuild,
  readBinfmtHandlers,
  readClosureBytes,
  readNixPlatformSettings,
  startBuild,
  type BuildPlan,
  type FlakeOutputs,
} from '../../core/nix';
import { buildTargets, installableOfTarget, rememberRecent, type BuildTarget } from '../build/build-targets';
import type { Ctx } from '../ctx';
import { showJobProgress } from '../job-progress';
import { showError } from '../show-error';
import type { FlakeNode } from '../views/flake-tree';
import { BuildPanel } from '../webviews/build-panel';

const RECENT_KEY = 'nixosDevices.recentBuilds';

function targetFromNode(node: FlakeNode): BuildTarget | undefined {
  switch (node.kind) {
    case 'image':
      return { flakeDir: node.flakeDir, attrPath: node.output.attrPath, label: node.output.attrPath, detail: '', kind: 'image' };
    case 'configuration':
      return { flakeDir: node.flakeDir, attrPath: `${node.output.attrPath}.config.system.build.toplevel`, label: node.output.attrPath, detail: '', kind: 'system' };
    case 'package':
      return {
        flakeDir: node.flakeDir,
        attrPath: node.output.attrPath,
        label: node.output.attrPath,
        detail: '',
        kind: 'package',
        system: node.output.system,
        ...(node.output.hostSystem === undefined ? {} : { hostSystem: node.output.hostSystem }),
      };
    default:
      return undefined;
  }
}

async function pickTarget(ctx: Ctx): Promise<BuildTarget | undefined> {
  const recent = ctx.extension.workspaceState.get<string[]>(RECENT_KEY, []);
  const targets = buildTargets(await ctx.flakes.allOutputs(), recent);
  if (targets.length === 0) throw new DevicesError('NOT_FOUND', vscode.l10n.t('No buildable outputs were found in the workspace\'s flakes.'));
  const picked = await vscode.window.showQuickPick(
    targets.map((t) => ({ label: t.label, description: recent.includes(installableOfTarget(t)) ? vscode.l10n.t('recently built') : '', detail: t.detail, target: t })),
    { title: vscode.l10n.t('Build'), placeHolder: vscode.l10n.t('Flake output to build'), matchOnDetail: true },
  );
  return picked?.target;
}

/** A package of another system built natively here runs the whole compiler under emulation:
 * say so first, and offer the cross variant. Returns the target to build, or undefined. */
async function confirmForeignSystem(ctx: Ctx, target: BuildTarget, outputs: readonly FlakeOutputs[]): Promise<BuildTarget | undefined> {
  if (target.kind !== 'package' || target.system === undefined) return target;
  const platform = await readNixPlatformSettings(ctx.flakes.nixCli);
  const localSystem = platform.system || nixSystemOf(process.arch, process.platform);
  if (target.system === localSystem) return target;
  const check = checkForeignSystem(target.system, platform, await readBinfmtHandlers());
  if (check.verdict === 'native') return target;
  const flake = outputs.find((o) => o.flakeDir === target.flakeDir);
  const pkg = flake?.packages.find((p) => p.attrPath === target.attrPath);
  const cross = flake === undefined || pkg === undefined ? undefined : findCrossVariant(flake, pkg, localSystem);
  const useCross = vscode.l10n.t('Build {0} Instead', cross?.name ?? '');
  const anyway = vscode.l10n.t('Build Anyway');
  const buttons = cross === undefined ? [anyway] : [useCross, anyway];
  const choice = await vscode.window.showWarningMessage(check.message, { modal: true, detail: vscode.l10n.t('Cross-compiling (pkgsCross) builds the same software with this machine\'s native compiler.') }, ...buttons);
  if (choice === anyway) return target;
  if (choice === useCross && cross !== undefined) return { ...target, attrPath: cross.attrPath, label: cross.attrPath, system: cross.system };
  return undefined;
}

async function confirmPlan(plan: BuildPlan): Promise<boolean> {
  if (plan.expensive.length === 0) return true;
  const names = plan.expensive.slice(0, 5).map((e) => e.name).join(', ');
  const go = vscode.l10n.t('Build');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('This build compiles {0} derivations from source, including {1}, which are usually downloaded. With no binary cache for the target this can take hours.', plan.toBuild.length, names),
    { modal: true },
    go,
  );
  return choice === go;
}

export function build(ctx: Ctx) {
  return async (arg?: FlakeNode | { flakeDir: string; attrPath: string }): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      throw new DevicesError('UNTRUSTED_WORKSPACE', vscode.l10n.t('Building runs the flake\'s code: trust this workspace first.'), {
        actions: [{ title: vscode.l10n.t('Manage Workspace Trust'), command: 'workbench.trust.manage' }],
      });
    }
    let target: BuildTarget | undefined;
    if (arg === undefined) target = await pickTarget(ctx);
    else if ('kind' in arg) target = targetFromNode(arg);
    else target = { flakeDir: arg.flakeDir, attrPath: arg.attrPath, label: arg.attrPath, detail: '', kind: 'package' };
    if (target === undefined) return;
    target = await confirmForeignSystem(ctx, target, await ctx.flakes.allOutputs());
    if (target === undefined) return;

    const nix = ctx.flakes.nixCli;
    const installable = installableOfTarget(target);
    const settings = ctx.config.settings;
    const extraArgs = [...settings.buildExtraArgs];
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Planning {0}…', target.label) }, () =>
      planBuild(nix, [installable], { cwd: target.flakeDir, extraArgs }),
    );
    if (!(await confirmPlan(plan))) return;

    const history = new BuildHistory(join(ctx.extension.globalStorageUri.fsPath, 'build-history.json'));
    await history.load();
    const estimate = history.estimate(plan.toBuild.map(derivationName));
    await ctx.extension.workspaceState.update(RECENT_KEY, rememberRecent(ctx.extension.workspaceState.get<string[]>(RECENT_KEY, []), installable));

    const buildOptions = {
      cwd: target.flakeDir,
      ...(settings.buildOutLinkDir === '' ? {} : { outLinkDir: settings.buildOutLinkDir }),
      ...(settings.buildBuilders === '' ? {} : { builders: settings.buildBuilders }),
      ...(settings.buildHost === '' ? {} : { buildHost: settings.buildHost }),
      extraArgs,
    };
    // The closure size is measured after the result is shown (one more nix call): the result's
    // actions should not wait for a number.
    const handle = startBuild(nix, [installable], { ...buildOptions, plan, history, measureClosure: false });
    const sub = handle.job.onEvent((event) => {
      if (event.kind === 'log') ctx.buildLog.appendLine(event.line);
    });
    ctx.buildStatus.follow(handle);
    BuildPanel.show(ctx.extension.extensionUri, handle, nix, [installable], target.flakeDir, estimate.known > 0 ? estimate.knownMs : undefined);
    void showJobProgress(handle.job, ctx.log);
    const outcome = await handle.job.done;
    sub.dispose();
    await history.save().catch((error: unknown) => ctx.log.warn(`could not save the build history: ${String(error)}`));
    if (outcome.status === 'succeeded') {
      const result = outcome.value;
      const outPaths = result.targets.flatMap((t) => Object.values(t.outputs));
      if (outPaths.length > 0) {
        readClosureBytes(nix, outPaths, { storeArgs: buildArgs([installable], buildOptions).storeArgs }).then(
          (bytes) => BuildPanel.showClosureBytes(handle, bytes),
          (error: unknown) => ctx.log.warn(`could not measure the closure: ${String(error)}`),
        );
      }
      const image = result.targets.find((t) => t.sdImage !== undefined)?.sdImage;
      const reveal = vscode.l10n.t('Reveal');
      const copy = vscode.l10n.t('Copy Path');
      const flashIt = vscode.l10n.t('Flash…');
      const path = image ?? Object.values(result.targets[0]?.outputs ?? {})[0];
      const buttons = path === undefined ? [] : [...(image === undefined ? [] : [flashIt]), reveal, copy];
      // Not awaited: a notification stays until dismissed, and the build is done already.
      void vscode.window.showInformationMessage(vscode.l10n.t('Built {0}.', target.label), ...buttons).then(async (choice) => {
        if (path === undefined) return;
        if (choice === flashIt) await vscode.commands.executeCommand('nixosDevices.flash', path);
        if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
        if (choice === copy) await vscode.env.clipboard.writeText(path);
      });
    } else {
      await showError(outcome.error, ctx.log);
    }
  };
}

export function showBuildView(_ctx: Ctx) {
  return async (): Promise<void> => {
    if (!BuildPanel.reveal()) void vscode.window.showInformationMessage(vscode.l10n.t('No build has run in this window yet. Run NixOS Devices: Build….'));
  };
}

/** `nix log DRV` into a read-only document. */
export function openBuildLog(ctx: Ctx) {
  return async (drvPath?: unknown): Promise<void> => {
    if (typeof drvPath !== 'string' || !drvPath.startsWith('/nix/store/')) return;
    const result = await ctx.flakes.nixCli.run(['log', drvPath]);
    const content = result.exec.exitCode === 0 ? result.exec.stdout : `nix log ${drvPath} failed:\n${result.messages.map((m) => m.text).join('\n')}`;
    const document = await vscode.workspace.openTextDocument({ content, language: 'log' });
    await vscode.window.showTextDocument(document, { preview: true });
  };
}

/**
 * Flash…: image (from a build result, the explorer's context menu, or a file dialog) → card
 * (a refreshing quick pick with the policy's verdicts) → a confirmation naming model, size and
 * path (twice for a drive over 128 GB) → progress with bytes, MB/s, ETA and cancel → the result
 * with both SHA-256 hashes. A device the user cannot write goes through the privileged helper
 * (pkexec or sudo per settings); one they can write needs no elevation.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as vscode from 'vscode';
import { DevicesError } from '../../core/errors';
import { run } from '../../core/exec';
import { describeDrive, formatBytes, formatProgress, openImage, ProgressMeter, startFlash, type DriveAssessment, type FlashResult } from '../../core/flash';
import { startElevatedFlash } from '../../core/flash-elevation';
import type { Job } from '../../core/jobs';
import type { Ctx } from '../ctx';
import { pickDrive } from '../flash/drive-picker';
import { channelLogger } from '../log';
import { showError } from '../show-error';

const IMAGE_FILTERS = { [vscode.l10n.t('Disk images')]: ['zst', 'xz', 'gz', 'img', 'iso'] };

async function pickImage(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg.startsWith('/')) return arg;
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Flash: choose the image'),
    canSelectFiles: true,
    canSelectFolders: true,
    filters: IMAGE_FILTERS,
    openLabel: vscode.l10n.t('Use Image'),
  });
  return picked?.[0]?.fsPath;
}

async function confirm(assessment: DriveAssessment, imageName: string): Promise<boolean> {
  const erase = vscode.l10n.t('Erase and Flash');
  const drive = assessment.drive;
  const detail = [
    vscode.l10n.t('Everything on {0} will be erased.', drive.path),
    ...assessment.warnings,
    ...(assessment.mounted.length > 0 ? [vscode.l10n.t('It will be unmounted from {0}.', assessment.mounted.join(', '))] : []),
  ].join('\n');
  const first = await vscode.window.showWarningMessage(vscode.l10n.t('Write {0} to {1}?', imageName, describeDrive(drive)), { modal: true, detail }, erase);
  if (first !== erase) return false;
  if (!assessment.needsSecondConfirmation) return true;
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('This drive is larger than 128 GB'),
    prompt: vscode.l10n.t('Type its path ({0}) to confirm that {1} is the card you mean.', drive.path, formatBytes(drive.size)),
    ignoreFocusOut: true,
  });
  return typed === drive.path;
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function flash(ctx: Ctx) {
  return async (arg?: unknown): Promise<void> => {
    const imagePath = await pickImage(arg);
    if (imagePath === undefined) return;
    const image = await openImage(imagePath);
    const settings = ctx.config.settings;
    const assessment = await pickDrive({ imageSize: image.size.bytes, imageSizeEstimated: image.size.estimated, allowNonRemovable: settings.flashAllowNonRemovable });
    if (assessment === undefined) return;
    if (!(await confirm(assessment, image.name))) return;
    const target = assessment.drive.path;
    const logger = channelLogger(ctx.log);
    let job: Job<FlashResult>;
    if (await writable(target)) {
      job = startFlash({
        image: image.path,
        target,
        verify: settings.flashVerify,
        allowNonRemovable: settings.flashAllowNonRemovable,
        unmount: true,
        logger,
      });
    } else {
      let sudoPassword: string | undefined;
      if (settings.flashElevation === 'sudo') {
        sudoPassword = await vscode.window.showInputBox({ title: vscode.l10n.t('sudo password to write {0}', target), password: true, ignoreFocusOut: true });
        if (sudoPassword === undefined) return;
      }
      job = startElevatedFlash({
        method: settings.flashElevation,
        runtimePath: process.execPath,
        cliPath: vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'cli.js').fsPath,
        image: image.path,
        target,
        verify: settings.flashVerify,
        allowNonRemovable: settings.flashAllowNonRemovable,
        eject: false,
        ...(sudoPassword === undefined ? {} : { sudoPassword }),
        logger,
      });
    }
    const outcome = await followFlash(job);
    if (outcome === undefined) return;
    const copy = vscode.l10n.t('Copy Hashes');
    const eject = vscode.l10n.t('Eject');
    const seedKey = vscode.l10n.t('Pre-seed SSH Host Key…');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Flashed {0} to {1}{2}. SHA-256 of the image file: {3}; of the bytes written: {4}.', image.name, target, outcome.verified ? vscode.l10n.t(', verified') : '', outcome.imageFileSha256, outcome.writtenSha256),
      copy,
      seedKey,
      eject,
    );
    // The card tools take the card just written (src/ui/commands/card.ts).
    if (choice === seedKey) await vscode.commands.executeCommand('nixosDevices.seedHostKey', target);
    if (choice === copy) await vscode.env.clipboard.writeText(`${outcome.imageFileSha256}  ${outcome.imagePath}\n${outcome.writtenSha256}  ${target}\n`);
    if (choice === eject) {
      await vscode.commands.executeCommand('nixosDevices.ejectDrive', target);
    }

    async function followFlash(running: Job<FlashResult>): Promise<FlashResult | undefined> {
      const meter = new ProgressMeter();
      let phase = 'checking';
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Flashing {0}', target), cancellable: true },
        async (progress, token) => {
          const cancel = token.onCancellationRequested(() => running.cancel());
          let last = 0;
          const sub = running.onEvent((event) => {
            if (event.kind === 'phase') {
              phase = event.phase;
              meter.reset();
              last = 0;
              progress.report({ message: phase });
            } else if (event.kind === 'progress') {
              const reading = meter.update(event.progress, Date.now());
              const fraction = reading.fraction ?? 0;
              progress.report({ message: formatProgress(phase, event.progress, reading), increment: Math.max(0, (fraction - last) * 100) });
              last = fraction;
            } else if (event.kind === 'log') {
              ctx.log.info(event.line);
            }
          });
          const done = await running.done;
          sub.dispose();
          cancel.dispose();
          return done;
        },
      );
      if (result.status === 'succeeded') return result.value;
      await showError(result.error, ctx.log);
      return undefined;
    }
  };
}

/** Powers the card reader's slot off (udisksctl) or ejects the medium, so it can be pulled. */
export function ejectDrive(ctx: Ctx) {
  return async (arg?: unknown): Promise<void> => {
    // A path (the flash result's Eject), or a Ports view drive row ({ path }).
    const path = typeof arg === 'object' && arg !== null && 'path' in arg ? arg.path : arg;
    if (typeof path !== 'string' || !path.startsWith('/dev/')) throw new DevicesError('INVALID_ARGUMENT', vscode.l10n.t('Choose a drive to eject.'));
    const logger = channelLogger(ctx.log);
    let exec = await run(['udisksctl', 'power-off', '-b', path], { logger }).catch(() => undefined);
    if (exec?.exitCode !== 0) exec = await run(['eject', path], { logger });
    if (exec.exitCode !== 0) throw new DevicesError('PROGRAM_FAILED', vscode.l10n.t('Could not eject {0}: {1}', path, exec.stderr.trim()));
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} can be removed now.', path));
  };
}

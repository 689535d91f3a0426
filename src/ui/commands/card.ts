/**
 * Card tools on a flashed card in the desktop's reader (or an SD image file):
 * - Pre-seed SSH Host Key…: a board's host key written to the card and recorded in the user's
 *   known_hosts under the names the SSH stack will check (resolved like the terminal's ssh), so
 *   the first deploy needs no trust-on-first-use. Replacing recorded keys is asked first.
 * - Card Boot Menu…: the card's extlinux menu as u-boot numbers it, entries that cannot boot
 *   marked; the chosen entry becomes the default, read back from the card.
 * A card the user cannot open goes through the same pkexec/sudo path as Flash (the bundled CLI's
 * `card … --json` as root); one they can needs no elevation.
 */
import * as vscode from 'vscode';
import { readCardBootMenu, seedHostKey, setCardBootDefault, type ExistingHostKey, type ReplacedKnownHost, type SeedHostKeyResult } from '../../core/card';
import type { Device } from '../../core/devices';
import { DevicesError } from '../../core/errors';
import {
  elevatedReadCardBootMenu,
  elevatedSeedHostKey,
  elevatedSetCardBootDefault,
  previewReplacedHostKeys,
  type CardBootMenuSummary,
  type ElevatedCardBase,
} from '../../core/flash-elevation';
import { knownHostName, resolveHost } from '../../core/remote';
import type { Ctx } from '../ctx';
import { sshTargetOf } from '../devices/device-connections';
import { cardNeedsRoot, pickCard } from '../flash/card-picker';
import { channelLogger } from '../log';
import { showError } from '../show-error';

/** The elevation options, or undefined when the user dismissed the sudo password prompt. */
async function elevation(ctx: Ctx, card: string): Promise<ElevatedCardBase | undefined> {
  const method = ctx.config.settings.flashElevation;
  let sudoPassword: string | undefined;
  if (method === 'sudo') {
    sudoPassword = await vscode.window.showInputBox({ title: vscode.l10n.t('sudo password to open {0}', card), password: true, ignoreFocusOut: true });
    if (sudoPassword === undefined) return undefined;
  }
  return {
    method,
    runtimePath: process.execPath,
    cliPath: vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'cli.js').fsPath,
    ...(sudoPassword === undefined ? {} : { sudoPassword }),
    logger: channelLogger(ctx.log),
  };
}

function describeReplaced(r: ReplacedKnownHost): string {
  return vscode.l10n.t('{0} line {1}: {2} {3}', r.file, String(r.line), r.keyType, r.fingerprintSha256);
}

async function confirmReplace(names: readonly string[], replaced: readonly ReplacedKnownHost[]): Promise<boolean> {
  if (replaced.length === 0) return true;
  const go = vscode.l10n.t('Replace');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Replace the recorded host keys of {0}?', names.join(', ')),
    { modal: true, detail: [vscode.l10n.t('A reflashed board has a new key; these entries will be removed from known_hosts:'), ...replaced.map(describeReplaced)].join('\n') },
    go,
  );
  return answer === go;
}

interface DeviceItem extends vscode.QuickPickItem {
  readonly device: Device;
}

async function pickDevice(ctx: Ctx): Promise<Device | undefined> {
  const devices = (await ctx.devicesTree.devices()).filter((d) => d.host !== undefined || d.deployNode?.hostname !== undefined);
  if (devices.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No device has a host name: add one in nixosDevices.devices or a deploy node in your flake.'));
    return undefined;
  }
  const items: DeviceItem[] = devices.map((device) => ({
    label: `$(circuit-board) ${device.name}`,
    description: [device.host ?? device.deployNode?.hostname, device.port === undefined ? undefined : String(device.port)].filter((p) => p !== undefined).join(':'),
    device,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Pre-seed SSH Host Key: which board is this card for?') });
  return picked?.device;
}

/** Asks what to do when the card already has a host key; undefined cancels. */
async function askExisting(message: string): Promise<ExistingHostKey | undefined> {
  const replace = vscode.l10n.t('Replace with a New Key');
  const keep = vscode.l10n.t('Keep and Record It');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('The card already has a host key.'), { modal: true, detail: message }, replace, keep);
  return answer === replace ? 'replace' : answer === keep ? 'keep' : undefined;
}

export function seedHostKeyCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<void> => {
    const card = await pickCard(arg, { title: vscode.l10n.t('Pre-seed SSH Host Key: choose the card'), allowNonRemovable: ctx.config.settings.flashAllowNonRemovable });
    if (card === undefined) return;
    const device = await pickDevice(ctx);
    if (device === undefined) return;
    const logger = channelLogger(ctx.log);
    try {
      // The names the SSH stack checks, resolved as the terminal's ssh resolves them.
      const { target, configFile } = sshTargetOf(device);
      const resolved = await resolveHost(target, { logger, ...(configFile === undefined ? {} : { configFile }) });
      const names = [resolved.hostKeyAlias ?? knownHostName(resolved.hostname, resolved.port)];
      const knownHostsFile = resolved.userKnownHostsFiles[0];
      if (knownHostsFile === undefined) throw new DevicesError('INVALID_SETTING', vscode.l10n.t('No UserKnownHostsFile is configured for {0} in your SSH config.', target.host));
      const needsRoot = await cardNeedsRoot(card, true);
      const elevated = needsRoot ? await elevation(ctx, card) : undefined;
      if (needsRoot && elevated === undefined) return;

      const seed = (existing: ExistingHostKey): Thenable<SeedHostKeyResult> =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Writing the host key of {0} to {1}', device.name, card) }, async () => {
          if (elevated === undefined) {
            return seedHostKey({ card, names, knownHostsFile, hashKnownHosts: resolved.hashKnownHosts, existing, confirmReplace: (replaced) => confirmReplace(names, replaced), logger });
          }
          // Root writes only the card; what the user's known_hosts loses is asked here first.
          if (!(await confirmReplace(names, await previewReplacedHostKeys(knownHostsFile, names, resolved.hashKnownHosts)))) {
            throw new DevicesError('CANCELLED', vscode.l10n.t('Not replacing the recorded host keys of {0}. Nothing was written.', names.join(', ')));
          }
          return elevatedSeedHostKey({ ...elevated, card, host: target.host, names, knownHostsFile, hashKnownHosts: resolved.hashKnownHosts, existing });
        });

      let result: SeedHostKeyResult;
      try {
        result = await seed('refuse');
      } catch (error) {
        if (!(error instanceof DevicesError && /already has a host key/.test(error.message))) throw error;
        const existing = await askExisting(error.message);
        if (existing === undefined) return;
        result = await seed(existing);
      }
      const copy = vscode.l10n.t('Copy Fingerprint');
      const choice = await vscode.window.showInformationMessage(
        result.generated
          ? vscode.l10n.t('{0} will present host key {1} ({2}) on first boot; recorded in {3}{4}.', device.name, result.fingerprintSha256, result.keyType, result.knownHostsFile, result.replaced.length > 0 ? vscode.l10n.t(', replacing {0} stale entries', String(result.replaced.length)) : '')
          : vscode.l10n.t('Kept the host key already on the card ({0}); recorded it for {1} in {2}.', result.fingerprintSha256, device.name, result.knownHostsFile),
        copy,
      );
      if (choice === copy) await vscode.env.clipboard.writeText(result.fingerprintSha256);
    } catch (error) {
      if (error instanceof DevicesError && error.code === 'CANCELLED') return;
      await showError(error, ctx.log);
    }
  };
}

interface EntryItem extends vscode.QuickPickItem {
  readonly entryLabel: string;
  readonly bootable: boolean;
}

function entryItems(menu: CardBootMenuSummary): EntryItem[] {
  return menu.entries.map((entry) => {
    const detail = [...entry.problems.map((p) => vscode.l10n.t('Cannot boot: {0}', p)), ...entry.warnings].join(' ');
    return {
      label: `${entry.problems.length > 0 ? '$(error)' : entry.isDefault ? '$(pass-filled)' : '$(circle-large-outline)'} ${String(entry.number)}: ${entry.text}`,
      description: [entry.isDefault ? vscode.l10n.t('boots by default') : '', entry.label].filter((p) => p !== '').join(' · '),
      ...(detail === '' ? {} : { detail }),
      entryLabel: entry.label,
      bootable: entry.problems.length === 0,
    };
  });
}

export function cardBootMenuCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<void> => {
    const card = await pickCard(arg, { title: vscode.l10n.t('Card Boot Menu: choose the card'), allowNonRemovable: ctx.config.settings.flashAllowNonRemovable });
    if (card === undefined) return;
    const logger = channelLogger(ctx.log);
    try {
      const needsRoot = await cardNeedsRoot(card, false);
      const elevated = needsRoot ? await elevation(ctx, card) : undefined;
      if (needsRoot && elevated === undefined) return;
      const menu = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the boot menu of {0}', card) }, () =>
        elevated === undefined ? readCardBootMenu({ card, logger }) : elevatedReadCardBootMenu({ ...elevated, card }),
      );
      const picked = await vscode.window.showQuickPick(entryItems(menu), {
        title: vscode.l10n.t('Boot menu of {0}: choose what boots by default', card),
        placeHolder: [vscode.l10n.t('The next nixos-rebuild on the board sets its own default again.'), ...menu.warnings].join(' '),
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (picked === undefined) return;
      if (!picked.bootable) {
        void vscode.window.showWarningMessage(vscode.l10n.t('{0} cannot boot from this card: {1}', picked.entryLabel, picked.detail ?? ''));
        return;
      }
      // Writing may need root where reading did not; a sudo password is asked again (never kept).
      const rootToWrite = await cardNeedsRoot(card, true);
      const again = rootToWrite ? await elevation(ctx, card) : undefined;
      if (rootToWrite && again === undefined) return;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Setting the boot default of {0}', card) }, () =>
        again === undefined ? setCardBootDefault({ card, entry: picked.entryLabel, logger }) : elevatedSetCardBootDefault({ ...again, card, entry: picked.entryLabel }),
      );
      const readBack = result.menu.defaultLabel;
      if (readBack !== result.newDefault) throw new DevicesError('VERIFY_FAILED', vscode.l10n.t('The card reads back {0} as its default, not {1}.', readBack ?? 'none', result.newDefault));
      void vscode.window.showInformationMessage(
        result.changed
          ? vscode.l10n.t('{0} now boots {1} by default (was {2}); read back from the card.', card, readBack, result.previousDefault ?? vscode.l10n.t('none'))
          : vscode.l10n.t('{0} already boots {1} by default; nothing was written.', card, readBack),
      );
    } catch (error) {
      if (error instanceof DevicesError && error.code === 'CANCELLED') return;
      await showError(error, ctx.log);
    }
  };
}

/**
 * `nixos-devices card host-key CARD --host NAME[,NAME…] [--port N] [--known-hosts FILE]
 *   [--replace-key|--keep-key] [--json]`: pre-seeds the board's ed25519 host key on a flashed
 *   card and records it in known_hosts under the names core/remote checks (resolved like the
 *   terminal's `ssh -G`: HostName, Port, HostKeyAlias, UserKnownHostsFile, HashKnownHosts).
 *   Entries it replaces are printed before anything is written.
 * `nixos-devices card boot-menu CARD [--set-default N|default|LABEL] [--json]`: shows the card's
 *   extlinux menu as u-boot numbers it, and sets which entry boots by default.
 *
 * CARD is an image file (no root needed) or the card's whole-disk device in a reader, which must
 * not be mounted; a device needs root (run `sudo nixos-devices card …`): the CLI does not elevate.
 */
import { readCardBootMenu, seedHostKey, setCardBootDefault, type CardBootMenu, type ReplacedKnownHost, type SeedHostKeyResult } from '../core/card';
import { DevicesError } from '../core/errors';
import { knownHostName, resolveHost } from '../core/remote';
import { parseArgs } from './args';
import type { CliCommand, CliIo } from './main';

const USAGE = `Usage:
  nixos-devices card host-key CARD --host NAME[,NAME…] [--port N] [--known-hosts FILE] [--replace-key|--keep-key] [--json]
  nixos-devices card boot-menu CARD [--set-default N|default|LABEL] [--json]
CARD is an SD image file or the card's device (for example /dev/sdb; run as root, not mounted).`;

function describeReplaced(r: ReplacedKnownHost): string {
  return `${r.file} line ${String(r.line)}: ${r.keyType} ${r.fingerprintSha256} (${r.removed === 'line' ? 'line removed' : `${r.names.join(', ')} taken out of the line`})`;
}

export function formatHostKeyResult(result: SeedHostKeyResult): string {
  const where = result.partition === undefined ? result.card : `partition ${String(result.partition)} of ${result.card}`;
  const lines = [
    result.generated
      ? `Wrote a new host key to ${result.keyPath} (0600) and ${result.keyPath}.pub (0644), root-owned, on ${where}; read back and verified.`
      : `Kept the host key already at ${result.keyPath} on ${where}.`,
    `  ${result.keyType} ${result.fingerprintSha256}`,
    result.added.length === 0 ? `${result.knownHostsFile} already had this key for every name; not changed.` : `Recorded in ${result.knownHostsFile}:`,
    ...result.added.map((line) => `  ${line}`),
    ...(result.replaced.length === 0 ? [] : ['Replaced (stale keys of these names):', ...result.replaced.map((r) => `  ${describeReplaced(r)}`)]),
    ...result.warnings.map((w) => `Warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatBootMenu(menu: CardBootMenu): string {
  const where = menu.partition === undefined ? menu.card : `partition ${String(menu.partition)} of ${menu.card}`;
  const lines = [`${menu.path} on ${where}:`];
  for (const entry of menu.entries) {
    const marks = [entry.isDefault ? '(default)' : '', entry.generation === undefined ? '' : `generation ${String(entry.generation)}${entry.specialisation === undefined ? '' : ` (${entry.specialisation})`}`, `[${entry.label}]`].filter((m) => m !== '');
    lines.push(`  ${String(entry.number)}:\t${entry.text}  ${marks.join('  ')}`);
    for (const problem of entry.problems) lines.push(`       cannot boot: ${problem}`);
    for (const warning of entry.warnings) lines.push(`       warning: ${warning}`);
  }
  for (const warning of menu.warnings) lines.push(`Warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

function flagValue(flags: ReadonlyMap<string, string | true>, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

async function hostKeyCommand(args: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json', 'replace-key', 'keep-key'], values: ['host', 'port', 'known-hosts'] }, 'card host-key');
  const [card, ...extra] = parsed.positional;
  const hostList = flagValue(parsed.flags, 'host');
  if (card === undefined || extra.length > 0 || hostList === undefined) throw new DevicesError('INVALID_ARGUMENT', USAGE);
  if (parsed.flags.has('replace-key') && parsed.flags.has('keep-key')) throw new DevicesError('INVALID_ARGUMENT', 'card host-key: --replace-key and --keep-key exclude each other.');
  const portText = flagValue(parsed.flags, 'port');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new DevicesError('INVALID_ARGUMENT', `card host-key: --port ${String(portText)} is not a port number.`);
  const hosts = hostList.split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hosts.length === 0) throw new DevicesError('INVALID_ARGUMENT', 'card host-key: --host needs at least one name.');
  // The names core/remote will check, resolved as the terminal resolves them.
  const resolved = await Promise.all(hosts.map((host) => resolveHost({ host, ...(port === undefined ? {} : { port }) }, { signal })));
  const names = [...new Set(resolved.map((r) => r.hostKeyAlias ?? knownHostName(r.hostname, r.port)))];
  const knownHostsFile = flagValue(parsed.flags, 'known-hosts') ?? resolved[0]?.userKnownHostsFiles[0];
  if (knownHostsFile === undefined) throw new DevicesError('INVALID_SETTING', 'No UserKnownHostsFile is configured for these hosts; pass --known-hosts FILE.');
  const json = parsed.flags.has('json');
  const result = await seedHostKey({
    card,
    names,
    knownHostsFile,
    hashKnownHosts: resolved.some((r) => r.hashKnownHosts),
    existing: parsed.flags.has('replace-key') ? 'replace' : parsed.flags.has('keep-key') ? 'keep' : 'refuse',
    confirmReplace: (replaced) => {
      // Said before the card or the file is written; the CLI has been told to go ahead.
      io.stderr.write(`Replacing the recorded host keys of ${names.join(', ')}:\n${replaced.map((r) => `  ${describeReplaced(r)}`).join('\n')}\n`);
      return Promise.resolve(true);
    },
    signal,
  });
  io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatHostKeyResult(result));
  return 0;
}

function menuJson(menu: CardBootMenu): unknown {
  const { menu: _model, text: _text, ...rest } = menu;
  return rest;
}

async function bootMenuCommand(args: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json'], values: ['set-default'] }, 'card boot-menu');
  const [card, ...extra] = parsed.positional;
  if (card === undefined || extra.length > 0) throw new DevicesError('INVALID_ARGUMENT', USAGE);
  const json = parsed.flags.has('json');
  const choice = flagValue(parsed.flags, 'set-default');
  if (choice === undefined) {
    const menu = await readCardBootMenu({ card, signal });
    io.stdout.write(json ? `${JSON.stringify(menuJson(menu), null, 2)}\n` : formatBootMenu(menu));
    return 0;
  }
  const result = await setCardBootDefault({ card, entry: choice, signal });
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...result, menu: menuJson(result.menu) }, null, 2)}\n`);
    return 0;
  }
  const chosen = result.menu.entries.find((e) => e.label === result.newDefault);
  io.stdout.write(
    result.changed
      ? `The card now boots ${result.newDefault}${chosen === undefined ? '' : ` ("${chosen.text}")`} by default (was ${result.previousDefault ?? 'none'}). The next nixos-rebuild boot or switch on the board sets its own default again.\n`
      : `${result.newDefault} already is the card's default; nothing was written.\n`,
  );
  io.stdout.write(formatBootMenu(result.menu));
  return 0;
}

export const cardCommand: CliCommand = async (args, io, signal) => {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'host-key':
      return hostKeyCommand(rest, io, signal);
    case 'boot-menu':
      return bootMenuCommand(rest, io, signal);
    default:
      throw new DevicesError('INVALID_ARGUMENT', sub === undefined ? USAGE : `card: unknown tool '${sub}'.\n${USAGE}`);
  }
};

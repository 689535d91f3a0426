/**
 * Card tools on a device the user cannot write (a card in the desktop's reader is root:disk):
 * the same mechanism as an elevated flash, one protocol. The bundled CLI runs `card … --json`
 * under pkexec or sudo (`pkexec env ELECTRON_RUN_AS_NODE=1 <runtime> <cli>`; see
 * elevated-flash.ts) and its JSON document on stdout is the result; a failure is its exit status
 * and its `nixos-devices: …` line on stderr.
 *
 * The host key: root only writes the card. known_hosts is the user's file (a root-written file
 * would end up root-owned in their ~/.ssh), so the elevated CLI records the key in a scratch file
 * and the user's side records it in the real one afterwards. What that replaces is asked before
 * anything is written (`previewReplacedHostKeys`): a new key replaces every exact record of the
 * board's names.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardBootMenu, ExistingHostKey, ReplacedKnownHost, SeedHostKeyResult, SetCardBootDefaultResult } from '../card';
import { planKnownHostsUpdate, readKnownHostsText, writeKnownHosts } from '../card';
import { DevicesError } from '../errors';
import { spawnProcess } from '../exec';
import { SILENT_LOGGER, type Logger } from '../log';
import type { ElevationMethod } from './elevated-flash';

export interface ElevatedCardBase {
  readonly method: ElevationMethod;
  /** The JavaScript runtime: VS Code's binary (with ELECTRON_RUN_AS_NODE) or node. */
  readonly runtimePath: string;
  readonly cliPath: string;
  /** For sudo: the user's password, fed on stdin (never on a command line). */
  readonly sudoPassword?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

/** `card …` arguments (after `card`); `--json` is added. The card's path must be absolute, so it is
 * never read as an option (the card CLI takes no positional after `--`). */
export function elevatedCardArgv(options: { readonly method: ElevationMethod; readonly runtimePath: string; readonly cliPath: string; readonly cardArgs: readonly string[]; readonly withPassword?: boolean }): string[] {
  const cli = ['env', 'ELECTRON_RUN_AS_NODE=1', options.runtimePath, options.cliPath, 'card', ...options.cardArgs, '--json'];
  if (options.method === 'pkexec') return ['pkexec', ...cli];
  return options.withPassword === true ? ['sudo', '-S', '-p', '', '-k', '--', ...cli] : ['sudo', '-n', '--', ...cli];
}

const PKEXEC_DISMISSED = 126;
const PKEXEC_NOT_AUTHORIZED = 127;

/** Runs `card … --json` as root and returns its parsed JSON document. */
export async function runElevatedCard(options: ElevatedCardBase & { readonly cardArgs: readonly string[]; readonly what: string }): Promise<unknown> {
  const argv = elevatedCardArgv({ ...options, withPassword: options.sudoPassword !== undefined });
  const running = spawnProcess(argv, {
    logger: options.logger ?? SILENT_LOGGER,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.sudoPassword === undefined ? {} : { stdin: `${options.sudoPassword}\n` }),
  });
  const exit = await running.result;
  if (exit.exitCode === 0) {
    try {
      return JSON.parse(exit.stdout) as unknown;
    } catch (error) {
      throw new DevicesError('PARSE_FAILED', `The privileged card helper printed no JSON result for ${options.what}.`, { cause: error, detail: exit.stdout });
    }
  }
  if (options.method === 'pkexec' && (exit.exitCode === PKEXEC_DISMISSED || exit.exitCode === PKEXEC_NOT_AUTHORIZED)) {
    throw new DevicesError('ELEVATION_FAILED', `Authentication to ${options.what} was dismissed or refused. Nothing was written.`);
  }
  const said = /^nixos-devices: (.*)$/m.exec(exit.stderr)?.[1];
  if (said !== undefined) {
    // The CLI ran as root and failed: its own message names the problem and the fix.
    throw new DevicesError(exit.exitCode === 130 ? 'CANCELLED' : exit.exitCode === 2 ? 'INVALID_ARGUMENT' : 'PROGRAM_FAILED', said, { detail: exit.stderr });
  }
  throw new DevicesError('ELEVATION_FAILED', `The privileged card helper (${argv[0] ?? ''}) exited with ${String(exit.exitCode)}: ${exit.stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}.`, {
    detail: exit.stderr,
  });
}

/** A well-formed ed25519 public key blob that matches no real key: planning with it lists every
 * exact record of the names, which is what a newly generated key replaces. */
const NO_KEY = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32)]);

/** The known_hosts entries a new host key for `names` would replace, read before anything is written. */
export async function previewReplacedHostKeys(knownHostsFile: string, names: readonly string[], hashed: boolean): Promise<readonly ReplacedKnownHost[]> {
  return planKnownHostsUpdate(await readKnownHostsText(knownHostsFile), knownHostsFile, names, NO_KEY, { hashed }).replaced;
}

export interface ElevatedSeedHostKeyOptions extends ElevatedCardBase {
  readonly card: string;
  /** The host as configured (given to the root CLI for the key's comment only). */
  readonly host: string;
  /** known_hosts names, resolved as the user's SSH resolves them (core/remote). */
  readonly names: readonly string[];
  readonly knownHostsFile: string;
  readonly hashKnownHosts?: boolean;
  readonly existing?: ExistingHostKey;
}

/**
 * Writes the host key to the card as root, then records it in the user's known_hosts as the user.
 * The caller confirms `previewReplacedHostKeys` first. The result is seedHostKey's, with the
 * user's file.
 */
export async function elevatedSeedHostKey(options: ElevatedSeedHostKeyOptions): Promise<SeedHostKeyResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'nd-card-known-hosts-'));
  try {
    const existing = options.existing ?? 'refuse';
    const parsed = await runElevatedCard({
      ...options,
      what: `write a host key to ${options.card}`,
      cardArgs: ['host-key', '--host', options.host, '--known-hosts', join(scratch, 'known_hosts'), ...(existing === 'replace' ? ['--replace-key'] : existing === 'keep' ? ['--keep-key'] : []), options.card],
    });
    const onCard = parseSeedResult(parsed);
    const blob = Buffer.from(onCard.publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
    const plan = planKnownHostsUpdate(await readKnownHostsText(options.knownHostsFile), options.knownHostsFile, options.names, blob, { hashed: options.hashKnownHosts === true });
    await writeKnownHosts(plan).catch((error: unknown) => {
      throw new DevicesError('PERMISSION_DENIED', `The host key is on ${options.card} (${onCard.fingerprintSha256}), but ${options.knownHostsFile} could not be updated: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    return { ...onCard, knownHostsFile: options.knownHostsFile, added: plan.added, replaced: plan.replaced };
  } finally {
    // Root wrote the scratch file; the folder is ours, so removing it works.
    await rm(scratch, { recursive: true, force: true });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSeedResult(value: unknown): SeedHostKeyResult {
  if (!isRecord(value) || typeof value['publicKeyLine'] !== 'string' || typeof value['fingerprintSha256'] !== 'string' || typeof value['keyPath'] !== 'string') {
    throw new DevicesError('PARSE_FAILED', 'The privileged card helper returned no host key.', { detail: JSON.stringify(value) });
  }
  // Shaped by src/cli/card.ts from seedHostKey's own result type.
  return value as unknown as SeedHostKeyResult;
}

/** The card's boot menu as JSON carries no parsed model or text (see src/cli/card.ts). */
export type CardBootMenuSummary = Omit<CardBootMenu, 'menu' | 'text'>;

function parseMenu(value: unknown): CardBootMenuSummary {
  if (!isRecord(value) || !Array.isArray(value['entries'])) throw new DevicesError('PARSE_FAILED', 'The privileged card helper returned no boot menu.', { detail: JSON.stringify(value) });
  return value as unknown as CardBootMenuSummary;
}

export function elevatedReadCardBootMenu(options: ElevatedCardBase & { readonly card: string }): Promise<CardBootMenuSummary> {
  return runElevatedCard({ ...options, what: `read the boot menu of ${options.card}`, cardArgs: ['boot-menu', options.card] }).then(parseMenu);
}

export type SetCardBootDefaultSummary = Omit<SetCardBootDefaultResult, 'menu'> & { readonly menu: CardBootMenuSummary };

export async function elevatedSetCardBootDefault(options: ElevatedCardBase & { readonly card: string; readonly entry: string }): Promise<SetCardBootDefaultSummary> {
  const parsed = await runElevatedCard({ ...options, what: `set the boot default of ${options.card}`, cardArgs: ['boot-menu', '--set-default', options.entry, options.card] });
  if (!isRecord(parsed) || typeof parsed['newDefault'] !== 'string') throw new DevicesError('PARSE_FAILED', 'The privileged card helper returned no boot default.', { detail: JSON.stringify(parsed) });
  return { ...(parsed as unknown as SetCardBootDefaultSummary), menu: parseMenu(parsed['menu']) };
}

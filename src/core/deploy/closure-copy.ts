/**
 * Copies a closure to the board over the device's own SSH connection: the board says which paths
 * it lacks (`nix-store --check-validity --print-invalid`), exactly those are exported here in
 * dependency order (`nix-store -qR` prints dependencies first) and piped into the board's
 * `nix-store --import`, with byte progress. The board's side runs as root (through `sudo -n` for
 * a non-root login, as the activation does), so the import needs no signatures and the paths are
 * root's, registered in the board's database like any other. copyClosureWithNixCopy is the
 * alternative for a login that may not use sudo but is a trusted user of the board's nix-daemon
 * (or sends signed paths).
 */
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DevicesError, toDevicesError } from '../errors';
import { run, runChecked, spawnProcess } from '../exec';
import { SILENT_LOGGER, type Logger } from '../log';
import type { SshConnection } from '../remote';
import { PRINT_INVALID_SCRIPT, SCRIPT_NAMES } from './board-scripts';
import { asRoot } from './board-link';
import type { ClosurePath } from './closure-diff';

export interface CopyProgress {
  readonly bytesDone: number;
  /** The NAR size of the missing paths; the export stream is slightly larger. */
  readonly bytesTotal: number;
  readonly pathsTotal: number;
}

export interface CopyClosureOptions {
  /** Environment overrides for the local nix-store (tests: nixTestEnv()). */
  readonly nixEnv?: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: CopyProgress) => void;
  /** The closure with NAR sizes when already known (the diff computed it), dependencies first. */
  readonly closure?: readonly ClosurePath[];
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** Several boards receiving the same paths share one export (deployMany); see SharedExport. */
  readonly sharedExport?: SharedExport;
}

/**
 * The `nix-store --export` of exactly `paths` (dependencies first), made once and handed to
 * every board that lacks the same paths; undefined (or resolving so) when it is too large to hold
 * in memory, and the board's copy streams its own export. Each export is a Nix process that reads
 * and hashes every path: ten boards deployed at once would otherwise run ten of them.
 */
export type SharedExport = (paths: readonly string[], bytesTotal: number) => Promise<Buffer | undefined> | undefined;

export interface CopyClosureResult {
  /** Every path of the closure, dependencies first. */
  readonly closure: readonly string[];
  /** The paths the board lacked and received. */
  readonly copied: readonly string[];
  readonly bytes: number;
}

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** The closure of `paths` in the local store, dependencies first. */
export async function localClosure(paths: readonly string[], options: Pick<CopyClosureOptions, 'nixEnv' | 'signal' | 'logger'> = {}): Promise<string[]> {
  const result = await runChecked(['nix-store', '--query', '--requisites', ...paths], execOptions(options));
  return nonEmptyLines(result.stdout);
}

function execOptions(options: Pick<CopyClosureOptions, 'nixEnv' | 'signal' | 'logger'>): { env?: Readonly<Record<string, string>>; signal?: AbortSignal; logger?: Logger; parseable: true } {
  return {
    parseable: true,
    ...(options.nixEnv === undefined ? {} : { env: options.nixEnv }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
}

/** The paths among `paths` that the board's store does not hold (asked as root, as the import runs). */
export async function missingOnBoard(connection: SshConnection, paths: readonly string[], signal?: AbortSignal): Promise<string[]> {
  if (paths.length === 0) return [];
  const result = await connection.execChecked(asRoot(connection, ['sh', '-c', PRINT_INVALID_SCRIPT, SCRIPT_NAMES.printInvalid]), {
    stdin: `${paths.join('\n')}\n`,
    ...(signal === undefined ? {} : { signal }),
  });
  const invalid = new Set(nonEmptyLines(result.stdout));
  return paths.filter((path) => invalid.has(path));
}

async function narSizes(paths: readonly string[], options: CopyClosureOptions): Promise<number> {
  if (paths.length === 0) return 0;
  const result = await runChecked(['nix-store', '--query', '--size', ...paths], execOptions(options));
  return nonEmptyLines(result.stdout).reduce((sum, line) => sum + (Number(line) || 0), 0);
}

/** Copies the closure of `paths` to the board, imported as root (sudo -n for a non-root login). */
export async function copyClosure(connection: SshConnection, paths: readonly string[], options: CopyClosureOptions = {}): Promise<CopyClosureResult> {
  const logger = options.logger ?? SILENT_LOGGER;
  const closure = options.closure === undefined ? await localClosure(paths, options) : options.closure.map((p) => p.path);
  const missing = await missingOnBoard(connection, closure, options.signal);
  if (missing.length === 0) {
    logger.info(`deploy: ${connection.target} already has all ${String(closure.length)} paths`);
    return { closure, copied: [], bytes: 0 };
  }
  const known = new Map(options.closure?.map((p) => [p.path, p.narSize]));
  const bytesTotal = options.closure === undefined ? await narSizes(missing, options) : missing.reduce((sum, path) => sum + (known.get(path) ?? 0), 0);
  options.onProgress?.({ bytesDone: 0, bytesTotal, pathsTotal: missing.length });
  logger.info(`deploy: copying ${String(missing.length)} of ${String(closure.length)} paths (${String(bytesTotal)} bytes) to ${connection.target}`);

  const sharing = options.sharedExport?.(missing, bytesTotal);
  // Its failure is read below, after the importer starts: until then it must not count as unhandled.
  sharing?.catch(() => undefined);
  // The importer first, then the exporter with its stdout piped at once: no output can be
  // produced before its reader is attached. A shared export is made meanwhile (the board's
  // importer starts while it runs); if it fails, the importer gets no input and imports nothing.
  const importer = await connection.spawn(asRoot(connection, ['nix-store', '--import']), options.signal === undefined ? {} : { signal: options.signal });
  let shared: Buffer | undefined;
  try {
    shared = await sharing;
  } catch (error) {
    importer.stdin.end();
    await importer.result.catch(() => undefined);
    throw error;
  }
  const exporter = shared === undefined ? spawnProcess(['nix-store', '--export', ...missing], { ...execOptions(options), rawStdout: true }) : undefined;
  let bytesDone = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesDone += chunk.length;
      options.onProgress?.({ bytesDone, bytesTotal, pathsTotal: missing.length });
      done(null, chunk);
    },
  });
  const importErr: Buffer[] = [];
  importer.stderr.on('data', (chunk: Buffer) => importErr.push(chunk));
  importer.stdout.resume();
  const stdout = shared === undefined ? exporter?.child.stdout : Readable.from(chunksOf(shared), { objectMode: false });
  if (stdout === null || stdout === undefined) throw new DevicesError('INTERNAL', 'nix-store --export has no stdout pipe.');
  const piping = pipeline(stdout, counter, importer.stdin);
  const [exported, imported, pipeError] = await Promise.all([exporter?.result ?? { exitCode: 0, stderr: '' }, importer.result, piping.then(() => undefined, (error: unknown) => error)]);
  if (exported.exitCode !== 0) {
    throw new DevicesError('DEPLOY_FAILED', `nix-store --export failed here: ${exported.stderr.trim().split('\n').slice(-2).join(' ')}`, { detail: exported.stderr });
  }
  if (imported.exitCode !== 0) {
    const stderr = Buffer.concat(importErr).toString('utf-8');
    throw new DevicesError(
      imported.exitCode === null ? 'SSH_FAILED' : 'DEPLOY_FAILED',
      `nix-store --import failed on ${connection.target}${imported.exitCode === null ? ' (the connection was lost)' : ''}: ${stderr.trim().split('\n').slice(-2).join(' ')}${pipeError === undefined ? '' : ` (the stream broke: ${toDevicesError(pipeError).message})`}`,
      { detail: stderr, ...(pipeError === undefined ? {} : { cause: pipeError }) },
    );
  }
  return { closure, copied: missing, bytes: bytesDone };
}

/** A shared export is sent in pieces of this size, so byte progress moves as it goes. */
const SHARED_EXPORT_CHUNK_BYTES = 256 * 1024;

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += SHARED_EXPORT_CHUNK_BYTES) yield bytes.subarray(at, at + SHARED_EXPORT_CHUNK_BYTES);
}

/**
 * `nix-store --export` of `paths` into memory (see SharedExport); undefined once it outgrows
 * `limitBytes` (the NAR sizes it was admitted by can be unknown, then counted as 0).
 */
export async function exportToMemory(paths: readonly string[], limitBytes: number, options: Pick<CopyClosureOptions, 'nixEnv' | 'signal' | 'logger'> = {}): Promise<Buffer | undefined> {
  const tooLarge = new AbortController();
  const signal = options.signal === undefined ? tooLarge.signal : AbortSignal.any([options.signal, tooLarge.signal]);
  const exporter = spawnProcess(['nix-store', '--export', ...paths], { ...execOptions({ ...options, signal }), rawStdout: true });
  const stdout = exporter.child.stdout;
  if (stdout === null) throw new DevicesError('INTERNAL', 'nix-store --export has no stdout pipe.');
  const chunks: Buffer[] = [];
  let size = 0;
  stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limitBytes) chunks.push(chunk);
    else if (!tooLarge.signal.aborted) {
      chunks.length = 0;
      tooLarge.abort();
    }
  });
  const exported = await exporter.result.catch((error: unknown) => {
    if (tooLarge.signal.aborted && options.signal?.aborted !== true) return undefined;
    throw error;
  });
  if (exported === undefined || tooLarge.signal.aborted) return undefined;
  if (exported.exitCode !== 0) {
    throw new DevicesError('DEPLOY_FAILED', `nix-store --export failed here: ${exported.stderr.trim().split('\n').slice(-2).join(' ')}`, { detail: exported.stderr });
  }
  return Buffer.concat(chunks);
}

/**
 * A SharedExport for one deployMany: each distinct set of paths is exported once, up to
 * `perSetBytes` (NAR size) per set and `totalBytes` held in all; a larger set streams per board.
 */
export function sharedExports(options: Pick<CopyClosureOptions, 'nixEnv' | 'signal' | 'logger'> & { readonly perSetBytes: number; readonly totalBytes: number }): SharedExport {
  const exports = new Map<string, Promise<Buffer | undefined>>();
  let held = 0;
  return (paths, bytesTotal) => {
    const key = paths.join('\n');
    const known = exports.get(key);
    if (known !== undefined) return known;
    if (bytesTotal > options.perSetBytes || held + bytesTotal > options.totalBytes) return undefined;
    held += bytesTotal;
    const made = exportToMemory(paths, options.perSetBytes, options);
    exports.set(key, made);
    return made;
  };
}

/** The message for a board that refused unsigned paths from a non-root login. */
export function signatureHelp(target: string, stderr: string): DevicesError {
  return new DevicesError(
    'DEPLOY_FAILED',
    `${target} refused the closure because it is not signed by a key it trusts (a non-root login copies through the board's nix-daemon, which checks signatures). ` +
      `Sign the closure (nix store sign --key-file KEY -r PATH) and add the public key to the board's nix.settings.trusted-public-keys, ` +
      `or add the SSH user to nix.settings.trusted-users, or deploy as root.`,
    { detail: stderr },
  );
}

/** Copies with `nix copy --to ssh://USER@HOST` (non-root logins); NIX_SSHOPTS carries port and key. */
export async function copyClosureWithNixCopy(
  to: { readonly user: string; readonly hostname: string; readonly sshOpts: readonly string[] },
  paths: readonly string[],
  options: CopyClosureOptions = {},
): Promise<void> {
  const url = `ssh://${to.user}@${to.hostname}`;
  const env = { ...options.nixEnv, NIX_SSHOPTS: to.sshOpts.join(' ') };
  const result = await run(['nix', 'copy', '--to', url, ...paths], { ...execOptions(options), env });
  if (result.exitCode === 0) return;
  if (/lacks a (valid )?signature|no signature|not signed/i.test(result.stderr)) throw signatureHelp(url, result.stderr);
  throw new DevicesError('DEPLOY_FAILED', `nix copy to ${url} failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`, { detail: result.stderr });
}

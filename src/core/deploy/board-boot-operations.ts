/**
 * The SSH half of core/boot's "Boot generation N" and Boot test, for a real board: whether it
 * answers (a NEW connection, as magic rollback confirms: the pooled one may be a dead link), N made
 * the next boot (setBootGeneration: profile and menu agree), a reboot, extlinux.conf read and
 * replaced atomically, and whether the booted system is a given one. The UI adds what only it can
 * do (the power-cycle prompt) and, for the Boot test, the deploy's `boot` activation.
 */
import { posix } from 'node:path';
import { DevicesError } from '../errors';
import { quoteArgv, type SshConnection } from '../remote';
import { asRoot, execWithin, type BoardLink } from './board-link';
import type { BoardPaths } from './board-paths';
import { setBootGeneration } from './generation-actions';

export interface BoardBootOperations {
  isReachable(signal: AbortSignal): Promise<boolean>;
  setNextBoot(generation: number, signal: AbortSignal): Promise<void>;
  reboot(signal: AbortSignal): Promise<void>;
  readExtlinux(signal: AbortSignal): Promise<string>;
  writeExtlinux(text: string, signal: AbortSignal): Promise<void>;
  /** A Boot test `confirm`: the board answers and /run/booted-system is `systemPath`. */
  bootedIs(systemPath: string): (signal: AbortSignal) => Promise<boolean>;
}

export interface BoardBootOperationsOptions {
  /** Bounds each attempt to reach the board (connect plus one command). */
  readonly attemptTimeoutMs?: number;
}

/** A board that is up answers within this; a board still booting is asked again by the caller. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 8_000;

/**
 * Queues the reboot and returns at once, so the command's answer arrives before the link drops
 * (systemd's `--no-block`; elsewhere `reboot` returns once signalled).
 */
export const REBOOT_SCRIPT = 'if [ -d /run/systemd/system ]; then exec systemctl --no-block reboot; fi; exec reboot';

/** Writes stdin to a temporary file beside $1 and renames it over $1, as NixOS writes the menu. */
export const REPLACE_FILE_SCRIPT = 'tmp="$1.nixos-devices.tmp"; cat > "$tmp" || { rm -f "$tmp"; exit 1; }; sync "$tmp" 2>/dev/null || true; mv -f "$tmp" "$1"';

export function boardBootOperations(link: BoardLink, paths: BoardPaths, options: BoardBootOperationsOptions = {}): BoardBootOperations {
  const timeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;

  /** Runs `use` on a new connection, closed afterwards; bounded by timeoutMs. */
  const withNewConnection = async <T>(signal: AbortSignal, use: (connection: SshConnection) => Promise<T>): Promise<T> => {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const connection = await link.connectNew(bounded);
    try {
      return await use(connection);
    } finally {
      connection.close();
    }
  };

  const checked = async (argv: readonly string[], what: string, signal: AbortSignal, stdin?: string): Promise<string> => {
    const connection = await link.connection(signal);
    const result = await execWithin(connection, asRoot(connection, argv), timeoutMs, { signal, ...(stdin !== undefined ? { stdin } : {}) });
    if (result.exitCode !== 0) {
      throw new DevicesError('PROGRAM_FAILED', `${what} on ${link.name} failed: ${result.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${String(result.exitCode)}`}`, { detail: `${quoteArgv(argv)}\n${result.stderr}` });
    }
    return result.stdout;
  };

  return {
    isReachable: async (signal) => {
      try {
        return await withNewConnection(signal, async (connection) => (await execWithin(connection, ['true'], timeoutMs, { signal })).exitCode === 0);
      } catch (error) {
        if (signal.aborted) throw error;
        return false;
      }
    },
    setNextBoot: async (generation, signal) => {
      const connection = await link.connection(signal);
      await setBootGeneration({ connection, commands: { exec: (argv, execOptions) => connection.exec(asRoot(connection, argv), execOptions) }, paths }, generation);
    },
    reboot: async (signal) => {
      await checked(['sh', '-c', REBOOT_SCRIPT, 'nixos-devices-reboot'], 'Rebooting', signal);
      // The pooled connection dies with the board; the next use opens a new one.
      await link.drop();
    },
    readExtlinux: async (signal) => {
      const connection = await link.connection(signal);
      const files = await connection.sftp();
      return (await files.readFile(paths.extlinuxConf)).toString('utf-8');
    },
    writeExtlinux: async (text, signal) => {
      await checked(['sh', '-c', REPLACE_FILE_SCRIPT, 'nixos-devices-replace', paths.extlinuxConf], `Writing ${posix.basename(paths.extlinuxConf)}`, signal, text);
    },
    bootedIs: (systemPath) => async (signal) => {
      try {
        return await withNewConnection(signal, async (connection) => {
          const result = await execWithin(connection, ['readlink', '-f', paths.bootedSystem], timeoutMs, { signal });
          return result.exitCode === 0 && result.stdout.trim() === systemPath.replace(/\/$/, '');
        });
      } catch (error) {
        if (signal.aborted) throw error;
        return false;
      }
    },
  };
}

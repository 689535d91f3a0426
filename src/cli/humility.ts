/**
 * `nixos-devices humility [--via DEVICE] [--probe P] [--archive F] [--environment F]
 * [--target T] [--command PATH] -- ARGS...`: runs humility here or on a deploy node of the flake
 * in the current folder, with the HUMILITY_* variables from the flags (the archive is uploaded to
 * the board once). humility's output passes through; its exit status is ours; a known failure
 * (USB permission, probe in use, humility missing) is explained after its own message.
 */
import { pipeline } from 'node:stream/promises';
import { DevicesError, exitStatusFor } from '../core/errors';
import { normaliseHumilitySettings, startHumility, type HumilityProcess } from '../core/humility';
import { isValidProbe } from '../core/humility';
import { listPorts, listRemotePorts } from '../core/ports';
import type { SshConnection } from '../core/remote';
import { parseArgs } from './args';
import { stderrLogger, withNodeConnection } from './deploy';
import type { CliCommand, CliIo } from './main';

async function runThrough(io: CliIo, running: HumilityProcess): Promise<number> {
  running.stdin?.end();
  const copy = (from: NodeJS.ReadableStream, to: NodeJS.WritableStream): Promise<void> => pipeline(from, to, { end: false }).catch(() => undefined);
  const [exit] = await Promise.all([running.exit, copy(running.stdout, io.stdout), copy(running.stderr, io.stderr)]);
  if (exit.error !== undefined) {
    io.stderr.write(`nixos-devices: ${exit.error.message}\n`);
    return exit.exitCode !== null && exit.exitCode !== 0 ? exit.exitCode : exitStatusFor(exit.error);
  }
  return exit.exitCode ?? 1;
}

export const humilityCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['verbose'], values: ['via', 'probe', 'archive', 'environment', 'target', 'command'] }, 'humility');
  const flag = (name: string): string | undefined => {
    const value = parsed.flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const humilityArgs = [...parsed.positional, ...parsed.rest];
  if (humilityArgs.length === 0) throw new DevicesError('INVALID_ARGUMENT', 'humility: give humility\'s arguments after --, e.g. `nixos-devices humility -- tasks`.');
  const probe = flag('probe');
  if (probe !== undefined && !isValidProbe(probe)) throw new DevicesError('INVALID_ARGUMENT', `humility: --probe ${JSON.stringify(probe)} is not usb, usb-N, vid:pid or vid:pid:serial.`);
  const settings = normaliseHumilitySettings({ probe, archive: flag('archive'), environment: flag('environment'), target: flag('target'), command: flag('command') ?? io.env['NIXOS_DEVICES_HUMILITY'] });
  const verbose = parsed.flags.has('verbose');
  const logger = stderrLogger(io, verbose);
  const run = async (connection: SshConnection | undefined): Promise<number> => {
    const listing = await (connection === undefined ? listPorts({ signal }) : listRemotePorts(connection, { signal })).catch(() => undefined);
    const running = await startHumility({
      settings,
      args: humilityArgs,
      signal,
      logger,
      ...(connection === undefined ? {} : { connection }),
      ...(listing === undefined ? {} : { probes: listing.probes }),
      onArchive: (upload) => {
        if (upload.uploaded) io.stderr.write(`uploaded the archive to ${upload.remotePath}\n`);
      },
    });
    return runThrough(io, running);
  };
  const via = flag('via');
  if (via === undefined) return run(undefined);
  return withNodeConnection(io, via, { verbose, signal }, (_node, connection) => run(connection));
};

/**
 * `nixos-devices rollback DEVICE [--to N] [--extlinux-conf PATH]`: switches a deploy node to
 * generation N, or to the newest generation older than its profile's, and makes it the boot
 * default (profile and menu agree). Run in the flake's folder. A non-root sshUser needs
 * passwordless sudo on the board for the commands.
 */
import { DevicesError } from '../core/errors';
import { rollbackGeneration } from '../core/deploy';
import { prepareElevation } from '../core/remote';
import { parseArgs } from './args';
import { pathsFromFlags, withNodeConnection } from './deploy';
import type { CliCommand } from './main';

export const rollbackCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['verbose'], values: ['to', 'extlinux-conf'] }, 'rollback');
  const name = parsed.positional[0];
  if (name === undefined || parsed.positional.length > 1) throw new DevicesError('INVALID_ARGUMENT', 'rollback: name one deploy node, e.g. `nixos-devices rollback vulpix --to 41`.');
  const flag = (key: string): string | undefined => {
    const value = parsed.flags.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const toText = flag('to');
  if (toText !== undefined && !/^\d+$/.test(toText)) throw new DevicesError('INVALID_ARGUMENT', `rollback: --to takes a generation number, not ${JSON.stringify(toText)}.`);
  return withNodeConnection(io, name, { verbose: parsed.flags.has('verbose'), signal }, async (node, connection) => {
    // A non-root login runs the board's commands through `sudo -n`, as the deploy does; without
    // passwordless sudo this fails first, saying so and naming the fix.
    const commands = await prepareElevation(connection, { signal });
    const state = await rollbackGeneration({ connection, commands, paths: pathsFromFlags(flag) }, toText === undefined ? undefined : Number(toText));
    io.stdout.write(`${JSON.stringify(node.name)}: now on generation ${String(state.profileGeneration ?? '?')} (${state.currentSystem ?? 'unknown system'})\n`);
    return 0;
  });
};

/**
 * `nixos-devices rollback DEVICE [--to N] [--extlinux-conf PATH]`: switches a deploy node to
 * generation N, or to the newest generation older than its profile's, and makes it the boot
 * default (profile and menu agree). Run in the flake's folder.
 */
import { DevicesError } from '../core/errors';
import { resolveDeployNodes, rollbackGeneration } from '../core/deploy';
import { NixCli } from '../core/nix';
import { parseArgs } from './args';
import { NodeLinks, pathsFromFlags, stderrLogger } from './deploy';
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
  const logger = stderrLogger(io, parsed.flags.has('verbose'));
  const nix = new NixCli({ program: io.env['NIXOS_DEVICES_NIX'] ?? 'nix', env: io.env, logger });
  const [node] = await resolveDeployNodes(nix, io.cwd, [name], signal);
  if (node === undefined) throw new DevicesError('NOT_FOUND', `No deploy node ${JSON.stringify(name)}.`);
  const links = new NodeLinks(logger);
  try {
    const connection = await links.link(node.node).connection(signal);
    const state = await rollbackGeneration({ connection, commands: connection, paths: pathsFromFlags(flag) }, toText === undefined ? undefined : Number(toText));
    io.stdout.write(`${JSON.stringify(node.node.name)}: now on generation ${String(state.profileGeneration ?? '?')} (${state.currentSystem ?? 'unknown system'})\n`);
    return 0;
  } finally {
    await links.closeAll();
  }
};

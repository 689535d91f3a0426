/**
 * `nixos-devices generations DEVICE [--json] [--extlinux-conf PATH]`: a deploy node's system
 * generations (UTC times, NixOS version, current/booted/profile marks, "reboot needed") and its
 * extlinux boot menu as u-boot numbers it. Run in the flake's folder.
 */
import { DevicesError } from '../core/errors';
import { readGenerations, type DeviceGenerations } from '../core/deploy';
import { parseArgs } from './args';
import { pathsFromFlags, withNodeConnection } from './deploy';
import type { CliCommand } from './main';

export function formatGenerations(device: string, state: DeviceGenerations): string {
  const lines = [`${JSON.stringify(device)}: ${String(state.generations.length)} generations${state.rebootNeeded ? `; reboot needed (${state.rebootReasons.join(', ')} changed)` : ''}`];
  for (const g of [...state.generations].reverse()) {
    const marks = [g.isProfile ? 'default' : '', g.isCurrent ? 'current' : '', g.isBooted ? 'booted' : ''].filter((m) => m !== '').join(',');
    lines.push(`  ${String(g.number).padStart(4)}  ${g.createdUtc.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${(g.nixosVersion ?? '?').padEnd(24)}  ${marks.padEnd(22)}  ${g.storePath}`);
  }
  if (state.bootMenu !== undefined) {
    lines.push('  boot menu:');
    for (const row of state.bootMenu.rows) lines.push(`    ${String(row.number)}:\t${row.text}${row.isDefault ? '  (default)' : ''}${row.generation === undefined ? '' : `  → generation ${String(row.generation)}`}`);
  } else if (state.bootMenuError !== undefined) {
    lines.push(`  boot menu: ${state.bootMenuError}`);
  }
  return `${lines.join('\n')}\n`;
}

export const generationsCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['json', 'verbose'], values: ['extlinux-conf'] }, 'generations');
  const name = parsed.positional[0];
  if (name === undefined || parsed.positional.length > 1) throw new DevicesError('INVALID_ARGUMENT', 'generations: name one deploy node, e.g. `nixos-devices generations vulpix`.');
  const flag = (key: string): string | undefined => {
    const value = parsed.flags.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  return withNodeConnection(io, name, { verbose: parsed.flags.has('verbose'), signal }, async (node, connection) => {
    const state = await readGenerations(connection, pathsFromFlags(flag));
    if (parsed.flags.has('json')) {
      const { bootMenu, ...rest } = state;
      io.stdout.write(`${JSON.stringify({ device: node.name, ...rest, ...(bootMenu === undefined ? {} : { bootMenu: bootMenu.rows }) }, null, 2)}\n`);
    } else {
      io.stdout.write(formatGenerations(node.name, state));
    }
    return 0;
  });
};

/**
 * `nixos-devices outputs [--json] [FLAKE_DIR]`: the Flake view's content from a shell.
 */
import { resolve } from 'node:path';
import { SILENT_LOGGER } from '../core/log';
import { listFlakeOutputs, NixCli, type FlakeOutputs } from '../core/nix';
import { parseArgs } from './args';
import type { CliCommand } from './main';

export function formatOutputs(o: FlakeOutputs): string {
  const lines: string[] = [`${o.flakeDir}${o.description === undefined ? '' : ` — ${o.description}`}`];
  const section = (title: string, rows: readonly string[]): void => {
    if (rows.length === 0) return;
    lines.push(`  ${title}`);
    for (const row of rows) lines.push(`    ${row}`);
  };
  section(
    'NixOS configurations',
    o.nixosConfigurations.map(
      (c) => `${c.name}  ${c.hostSystem ?? '?'}${c.buildSystem !== undefined && c.buildSystem !== c.hostSystem ? ` (cross from ${c.buildSystem})` : ''}`,
    ),
  );
  section('Images', o.images.map((i) => `${i.name}  ${i.drvName ?? ''}`.trimEnd()));
  section(
    'Packages',
    o.packages.map((p) => `${p.attrPath}  ${p.drvName ?? ''}  runs on ${p.hostSystem ?? p.system}${p.isCross ? ' (cross)' : ''}`),
  );
  section(
    'Deploy nodes',
    o.deployNodes.map((n) => `${n.name}  ${n.sshUser === undefined ? '' : `${n.sshUser}@`}${n.hostname ?? '(no hostname)'}  profiles: ${n.profiles.map((p) => p.name).join(', ')}`),
  );
  section('Other outputs', o.other.map((x) => `${x.name}  ${x.kind}`));
  return `${lines.join('\n')}\n`;
}

export const outputsCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['json'] }, 'outputs');
  const flakeDir = resolve(io.cwd, parsed.positional[0] ?? '.');
  const nix = new NixCli({ program: io.env['NIXOS_DEVICES_NIX'] ?? 'nix', logger: SILENT_LOGGER });
  const outputs = await listFlakeOutputs(nix, flakeDir, { signal });
  io.stdout.write(parsed.flags.has('json') ? `${JSON.stringify(outputs, null, 2)}\n` : formatOutputs(outputs));
  return 0;
};

/**
 * What the parser and diagnostics benches share: timing a function (wall and CPU), timing
 * `nix-instantiate --parse` as a process (CPU from GNU time), medians, and a multi-megabyte
 * Nix file made of real sources. CPU time holds up better than wall time on a busy machine.
 */
import { spawnSync } from 'node:child_process';

export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function time(fn: () => void, runs: number): Timing[] {
  const out: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    fn();
    const used = process.cpuUsage(cpu);
    out.push({ wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: (used.user + used.system) / 1000 });
  }
  return out;
}

/** One nix-instantiate run: wall time here, CPU time from GNU time (Debian package `time`). */
export function timeNix(file: string, env: NodeJS.ProcessEnv): Timing {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'nix-instantiate', '--parse', file], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const match = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  if (result.status !== 0 || match === null) throw new Error(`nix-instantiate failed: ${result.stderr.slice(0, 500)}`);
  return { wall, cpu: (Number(match[1]) + Number(match[2])) * 1000 };
}

/** An attribute set of `prefixN = ( <source> );` entries until the text reaches `targetBytes`. */
export function bigNixFile(sources: readonly string[], targetBytes: number, prefix: string): string {
  const parts: string[] = ['{\n'];
  let size = 2;
  for (let i = 0; size < targetBytes; i++) {
    const piece = `  ${prefix}${i} = (\n${sources[i % sources.length] ?? ''}  );\n`;
    parts.push(piece);
    size += piece.length;
  }
  parts.push('}\n');
  return parts.join('');
}

/**
 * Parser benchmark against Nix's own parser, side by side in one run:
 *   node --import tsx bench/parser/run.ts [SIZE_MB]
 * Builds a multi-megabyte Nix file from the fixtures in test/fixtures/lang and the seed's flakes (each wrapped as an
 * attribute of one big set), then times `nix-instantiate --parse` on it and our `parse` (and
 * `parse` + `resolveScopes`) on the same text. Our code is bundled with esbuild first, as it
 * ships (tsx's per-module getters would slow every cross-file call). Prints medians of wall
 * time and of CPU time (which holds up better on a busy machine) and the ratios ours / Nix:
 * below 1 means faster. Nix's time includes starting its process: a user waits for that too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realNixSources } from '../../test/harness/nix-sources';
import { buildSync } from 'esbuild';
import type * as Lang from '../../src/core/lang';
import { nixTestEnv } from '../../test/harness/nix';

const RUNS = 7;

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

function buildText(targetBytes: number): string {
  const sources = realNixSources();
  const parts: string[] = ['{\n'];
  let size = 2;
  for (let i = 0; size < targetBytes; i++) {
    const piece = `  m${i} = (\n${sources[i % sources.length] ?? ''}  );\n`;
    parts.push(piece);
    size += piece.length;
  }
  parts.push('}\n');
  return parts.join('');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function time(fn: () => void, runs: number): Timing[] {
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

/** One nix-instantiate run: wall time here, CPU time from GNU time. */
function timeNix(file: string, env: NodeJS.ProcessEnv): Timing {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'nix-instantiate', '--parse', file], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const match = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  if (result.status !== 0 || match === null) throw new Error(`nix-instantiate failed: ${result.stderr.slice(0, 500)}`);
  return { wall, cpu: (Number(match[1]) + Number(match[2])) * 1000 };
}

function loadBundled(dir: string): typeof Lang {
  const outfile = join(dir, 'lang.cjs');
  buildSync({ entryPoints: [join(__dirname, '..', '..', 'src', 'core', 'lang', 'index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as typeof Lang;
}

function line(label: string, timings: readonly Timing[], nix?: { wall: number; cpu: number }): string {
  const wall = median(timings.map((t) => t.wall));
  const cpu = median(timings.map((t) => t.cpu));
  const ratio = nix === undefined ? '' : `   ratio ours/nix: wall ${(wall / nix.wall).toFixed(2)}, cpu ${(cpu / nix.cpu).toFixed(2)}`;
  return `${label.padEnd(26)} wall ${wall.toFixed(1).padStart(8)} ms   cpu ${cpu.toFixed(1).padStart(8)} ms${ratio}`;
}

const sizeMb = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'nd-bench-parser-'));
try {
  const lang = loadBundled(dir);
  const text = buildText(sizeMb * 1024 * 1024);
  const file = join(dir, 'big.nix');
  writeFileSync(file, text);
  const check = lang.parse(text);
  if (check.errors.length > 0) throw new Error(`the benchmark file has errors: ${check.errors[0]?.message ?? ''}`);
  const env = { ...process.env, ...nixTestEnv() };
  const nixRuns: Timing[] = [];
  for (let i = 0; i < RUNS; i++) nixRuns.push(timeNix(file, env));
  const nix = { wall: median(nixRuns.map((t) => t.wall)), cpu: median(nixRuns.map((t) => t.cpu)) };
  const ours = time(() => lang.parse(text), RUNS);
  const withScopes = time(() => lang.resolveScopes(lang.parse(text)), RUNS);
  console.log(`file: ${(text.length / 1024 / 1024).toFixed(2)} MB, ${text.split('\n').length} lines; medians of ${RUNS} runs`);
  console.log(line('nix-instantiate --parse', nixRuns));
  console.log(line('parse', ours, nix));
  console.log(line('parse + resolveScopes', withScopes, nix));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

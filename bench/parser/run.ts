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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realNixSources } from '../../test/harness/nix-sources';
import { bigNixFile, median, time, timeNix, type Timing } from '../nix-parse-timing';
import { buildSync } from 'esbuild';
import type * as Lang from '../../src/core/lang';
import { nixTestEnv } from '../../test/harness/nix';

const RUNS = 7;


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
  const text = bigNixFile(realNixSources(), sizeMb * 1024 * 1024, 'm');
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

/**
 * Parser benchmark against Nix's own parser, side by side in one run:
 *   node --import tsx bench/parser/run.ts [SIZE_MB]
 * Builds a multi-megabyte Nix file from the fixtures in test/fixtures/lang and the seed's flakes
 * (each wrapped as an attribute of one big set), then times `nix-instantiate --parse` on it and
 * our `parse` (and `parse` + `resolveScopes`, the like-for-like with Nix, whose parser binds
 * variables) on the same text, with and without each side's startup: see HOW_MEASURED.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realNixSources } from '../../test/harness/nix-sources';
import {
  HOW_MEASURED,
  bigNixFile,
  bundleCore,
  formatLine,
  interleaved,
  loadBundle,
  minus,
  nixStartupFile,
  nixTimings,
  summary,
  time,
  timeNodeCold,
  timeNodeStartup,
} from '../nix-parse-timing';
import type * as Lang from '../../src/core/lang';
import { nixTestEnv } from '../../test/harness/nix';

const RUNS = 7;

const sizeMb = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'nd-bench-parser-'));
try {
  const bundle = bundleCore(dir, 'lang');
  const lang = loadBundle<typeof Lang>(bundle);
  const text = bigNixFile(realNixSources(), sizeMb * 1024 * 1024, 'm');
  const file = join(dir, 'big.nix');
  writeFileSync(file, text);
  const check = lang.parse(text);
  if (check.errors.length > 0) throw new Error(`the benchmark file has errors: ${check.errors[0]?.message ?? ''}`);
  const env = { ...process.env, ...nixTestEnv() };
  const nix = nixTimings(file, nixStartupFile(dir), RUNS, env);
  for (let i = 0; i < 3; i++) lang.resolveScopes(lang.parse(text));
  const parse = summary(time(() => lang.parse(text), RUNS));
  const scopes = summary(time(() => lang.resolveScopes(lang.parse(text)), RUNS));
  const [nodeStartup, coldParse, coldScopes] = interleaved(RUNS, [
    () => timeNodeStartup(env),
    () => timeNodeCold(bundle, file, 'm.parse(text)', env),
    () => timeNodeCold(bundle, file, 'm.resolveScopes(m.parse(text))', env),
  ]);
  if (nodeStartup === undefined || coldParse === undefined || coldScopes === undefined) throw new Error('no node timings');
  const nixParseOnly = minus(nix.parse, nix.startup);
  const nixNoPrintOnly = minus(nix.noPrint, nix.startup);
  const excl = [['vs --parse', nixParseOnly], ['vs no print', nixNoPrintOnly]] as const;
  const incl = [['vs --parse', nix.parse], ['vs no print', nix.noPrint]] as const;
  console.log(`file: ${(text.length / 1024 / 1024).toFixed(2)} MB, ${text.split('\n').length} lines; medians of ${RUNS} runs`);
  console.log('Nix, one process per run:');
  console.log(formatLine('nix-instantiate --parse', nix.parse));
  console.log(formatLine('nix, no print', nix.noPrint));
  console.log(formatLine('nix startup (one-token file)', nix.startup));
  console.log(formatLine('--parse minus startup', nixParseOnly));
  console.log(formatLine('no print minus startup', nixNoPrintOnly));
  console.log('Ours, excl. startup (warm, in this process), against Nix minus its startup:');
  console.log(formatLine('parse', parse, excl));
  console.log(formatLine('parse + resolveScopes', scopes, excl));
  console.log(formatLine('parse, warm vs process', parse, [['warm vs --parse process', nix.parse]]));
  console.log('Ours, incl. startup (a fresh node process), against the whole Nix process:');
  console.log(formatLine('node startup (node -e 0)', nodeStartup));
  console.log(formatLine('parse', coldParse, incl));
  console.log(formatLine('parse + resolveScopes', coldScopes, incl));
  console.log(HOW_MEASURED.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

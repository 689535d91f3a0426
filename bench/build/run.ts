/**
 * Build bench: the same 50-derivation offline flake (test/fixtures/build-flakes/chain, target
 * `wide`) built in one run by
 *   - plain `nix build --no-link` (the peer),
 *   - our core as the extension runs it: startBuild (a Job, its progress and log events) on the
 *     window's long-lived NixCli (internal-json parsing, BuildProgress). Timed to the result the
 *     user sees: the extension measures the closure size only after it has shown the result, so
 *     that `nix path-info` is not timed. The dry-run plan before it is its own step (the user
 *     confirms it) and not timed either;
 *   - our core as `nixos-devices build` runs it: startBuild on a new NixCli per command, and the
 *     closure size measured before the result (it is part of the CLI's result), so timed.
 * Every build gets a fresh copy of the flake with a new nonce, so each one builds 50 new
 * derivations. Rounds rotate the order of the three (the machine's state drifts under other
 * load); prints best and median of each, the ratios (goal: extension / plain ≤ 1.05 on the best
 * of each) and the load average, since on a busy 2-core machine a run's noise is larger than the
 * difference measured.
 *
 *   node --import tsx bench/build/run.ts [--runs N] [--count 50]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { NixCli, startBuild } from '../../src/core/nix';
import { nixTestEnv } from '../../test/harness/nix';
import { makeTempDir } from '../../test/harness/temp-dir';
import { copyBuildFlake } from '../../test/harness/build-flakes';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

type Variant = 'plain' | 'extension' | 'cli';
const VARIANTS: readonly Variant[] = ['plain', 'extension', 'cli'];

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const runs = Number(argValue('--runs') ?? '5');
  const count = Number(argValue('--count') ?? '50');
  const temp = makeTempDir('bench-build');
  const env = { ...process.env, ...nixTestEnv() };
  // The extension's NixCli lives as long as the window: whatever it learns once is not timed.
  const extensionNix = new NixCli({ env: nixTestEnv() });
  await extensionNix.version();
  const build: Record<Variant, (flake: string) => Promise<void>> = {
    plain: (flake) => {
      const child = spawnSync('nix', ['build', `${flake}#wide`, '--no-link'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      if (child.status !== 0) throw new Error(`plain nix build failed: ${child.stderr.toString()}`);
      return Promise.resolve();
    },
    extension: async (flake) => {
      const { job } = startBuild(extensionNix, [`${flake}#wide`], { measureClosure: false });
      let events = 0;
      job.onEvent(() => events++); // the extension listens to every event (the build log channel)
      const result = await job.result();
      if (events === 0) throw new Error('the job reported no events');
      if (result.progress.counts.done !== count) throw new Error(`expected ${count} builds, saw ${result.progress.counts.done}`);
    },
    cli: async (flake) => {
      const result = await startBuild(new NixCli({ env: nixTestEnv() }), [`${flake}#wide`]).job.result();
      if (result.closureBytes === undefined) throw new Error('the CLI variant measured no closure');
    },
  };
  const times: Record<Variant, number[]> = { plain: [], extension: [], cli: [] };
  const loadBefore = load();
  try {
    for (let i = 0; i < runs; i++) {
      const order = VARIANTS.map((_, k) => VARIANTS[(i + k) % VARIANTS.length] ?? 'plain');
      for (const variant of order) {
        const flake = copyBuildFlake('chain', temp.path, { benchCount: count });
        const start = performance.now();
        await build[variant](flake);
        times[variant].push((performance.now() - start) / 1000);
      }
    }
  } finally {
    temp.remove();
  }
  const best = (v: Variant): number => Math.min(...times[v]);
  const line = (label: string, v: Variant): string =>
    `  ${label.padEnd(38)} best ${best(v).toFixed(2)} s  median ${median(times[v]).toFixed(2)} s  (runs: ${times[v].map((t) => t.toFixed(2)).join(', ')})`;
  console.log(`${count} fresh derivations per build, ${runs} rounds; load average before: ${loadBefore}, after: ${load()}`);
  console.log(line('plain nix build', 'plain'));
  console.log(line('our core (extension, to the result)', 'extension'));
  console.log(line('our core (CLI: new NixCli + closure)', 'cli'));
  const ratio = (v: Variant): string => `${(best(v) / best('plain')).toFixed(3)} on the best, ${(median(times[v]) / median(times.plain)).toFixed(3)} on the median`;
  console.log(`  ratio extension / plain: ${ratio('extension')} (goal ≤ 1.05)`);
  console.log(`  ratio CLI / plain: ${ratio('cli')}`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});

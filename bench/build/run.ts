/**
 * Build bench: the same 50-derivation offline flake (test/fixtures/build-flakes/chain, target
 * `wide`) built through our core as the extension runs it (runBuild: internal-json parsing,
 * BuildProgress; the closure is measured only after the result is shown, so not timed) and once
 * more as the CLI runs it (the closure measured before the result) vs plain
 * `nix build --no-link`, in one run. Every build gets a
 * fresh copy of the flake with a new nonce, so both always build 50 new derivations. Runs
 * alternate; prints the best of each and the ratio (goal ≤ 1.05).
 *
 *   node --import tsx bench/build/run.ts [--runs N] [--count 50]
 */
import { spawnSync } from 'node:child_process';
import { NixCli, runBuild } from '../../src/core/nix';
import { nixTestEnv } from '../../test/harness/nix';
import { makeTempDir } from '../../test/harness/temp-dir';
import { copyBuildFlake } from '../../test/harness/build-flakes';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

async function main(): Promise<void> {
  const runs = Number(argValue('--runs') ?? '3');
  const count = Number(argValue('--count') ?? '50');
  const temp = makeTempDir('bench-build');
  const env = { ...process.env, ...nixTestEnv() };
  const nix = new NixCli({ env: nixTestEnv() });
  await nix.version();
  try {
    const plain: number[] = [];
    const ours: number[] = [];
    const oursNoClosure: number[] = [];
    for (let i = 0; i < runs; i++) {
      const a = copyBuildFlake('chain', temp.path, { benchCount: count });
      let start = performance.now();
      const child = spawnSync('nix', ['build', `${a}#wide`, '--no-link'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      if (child.status !== 0) throw new Error(`plain nix build failed: ${child.stderr.toString()}`);
      plain.push((performance.now() - start) / 1000);

      const b = copyBuildFlake('chain', temp.path, { benchCount: count });
      start = performance.now();
      const result = await runBuild(nix, [`${b}#wide`]);
      ours.push((performance.now() - start) / 1000);
      if (result.progress.counts.done !== count) throw new Error(`expected ${count} builds, saw ${result.progress.counts.done}`);

      const c = copyBuildFlake('chain', temp.path, { benchCount: count });
      start = performance.now();
      await runBuild(nix, [`${c}#wide`], { measureClosure: false });
      oursNoClosure.push((performance.now() - start) / 1000);
    }
    const bestPlain = Math.min(...plain);
    const bestOurs = Math.min(...ours);
    console.log(`${count} fresh derivations per build`);
    console.log(`  plain nix build       ${bestPlain.toFixed(2)} s  (runs: ${plain.map((t) => t.toFixed(2)).join(', ')})`);
    const bestNoClosure = Math.min(...oursNoClosure);
    console.log(`  our core (extension)  ${bestNoClosure.toFixed(2)} s  (runs: ${oursNoClosure.map((t) => t.toFixed(2)).join(', ')})`);
    console.log(`  our core + closure    ${bestOurs.toFixed(2)} s  (runs: ${ours.map((t) => t.toFixed(2)).join(', ')}; the CLI's result includes the closure size)`);
    console.log(`  ratio ours / plain: ${(bestNoClosure / bestPlain).toFixed(3)} (goal ≤ 1.05)`);
    console.log(`  ratio with the closure measured first: ${(bestOurs / bestPlain).toFixed(3)}`);
  } finally {
    temp.remove();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});

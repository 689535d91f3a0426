/**
 * Build-log bench: on the same 1-million-line internal-json log in one run, our parser +
 * BuildProgress model vs a bare loop that only JSON-parses each line. Both read the file with the
 * same line splitter; each variant runs in its own child process so its peak memory (maxRSS) is
 * its own. Prints times, the ratio (goal ≤ 1.5×) and peak memory.
 *
 *   node --import tsx bench/build-log/run.ts [--lines N] [--runs N]
 *
 * The log is made from the recorded Nix 2.8 build of the 24-derivation chain
 * (test/fixtures/nix-logs/nix-2.8-build-chain.log): its builds repeated under fresh activity ids
 * and derivation paths, each with a few hundred log lines (a compiler's output), phases, Progress
 * results and a substitution with a download, until the log has N lines.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineSplitter } from '../../src/core/exec';
import { BuildProgress, parseNixLogLine } from '../../src/core/nix';
import { makeTempDir } from '../../test/harness/temp-dir';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

async function readLines(file: string, onLine: (line: string) => void): Promise<void> {
  const splitter = new LineSplitter(onLine);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) splitter.push(chunk as Buffer);
  splitter.end();
}

/** Child process: one variant over the file; prints JSON {seconds, maxRssMiB, check}. */
async function variant(name: string, file: string): Promise<void> {
  let check = 0;
  const start = performance.now();
  if (name === 'bare') {
    await readLines(file, (line) => {
      if (!line.startsWith('@nix ')) return;
      const data = JSON.parse(line.slice(5)) as { action?: unknown };
      if (data.action === 'stop') check++;
    });
  } else {
    const progress = new BuildProgress();
    await readLines(file, (line) => progress.apply(parseNixLogLine(line)));
    check = progress.counts().done;
  }
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, check }));
}

const nixLine = (data: unknown): string => `@nix ${JSON.stringify(data)}\n`;

async function writeLog(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (text: string): Promise<void> | undefined =>
    out.write(text) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  let written = 0;
  let id = 1;
  const emit = async (data: unknown): Promise<void> => {
    written++;
    await write(nixLine(data));
  };
  const realise = id++;
  const builds = id++;
  await emit({ action: 'start', id: realise, level: 0, type: 102, text: '' });
  await emit({ action: 'start', id: builds, level: 0, type: 104, text: '' });
  let done = 0;
  const expected = Math.ceil(lines / 330);
  for (let n = 0; written < lines - 10; n++) {
    const hash = String(n).padStart(32, '0');
    const drv = `/nix/store/${hash}-package-${n % 97}-1.${n}.drv`;
    if (n % 10 === 0) {
      const sub = id++;
      const dl = id++;
      await emit({ action: 'start', id: sub, level: 4, type: 108, text: `copying '/nix/store/${hash}-dep'`, fields: [`/nix/store/${hash}-dep`, 'https://cache.nixos.org'] });
      await emit({ action: 'start', id: dl, level: 4, type: 101, parent: sub, text: 'downloading', fields: [`https://cache.nixos.org/nar/${hash}.nar.xz`] });
      for (let b = 1; b <= 10; b++) await emit({ action: 'result', id: dl, type: 105, fields: [b * 100_000, 1_000_000, 0, 0] });
      await emit({ action: 'stop', id: dl });
      await emit({ action: 'stop', id: sub });
    }
    const build = id++;
    await emit({ action: 'start', id: build, level: 3, type: 105, text: `building '${drv}'`, fields: [drv, '', 1, 1] });
    await emit({ action: 'result', id: builds, type: 105, fields: [done, expected, 1, 0] });
    for (const phase of ['unpackPhase', 'configurePhase', 'buildPhase', 'installPhase', 'fixupPhase']) {
      await emit({ action: 'result', id: build, type: 104, fields: [phase] });
      for (let l = 0; l < 60; l++) {
        await emit({ action: 'result', id: build, type: 101, fields: [`gcc -O2 -c src/module_${l}.c -o build/module_${l}.o -Iinclude -DVERSION=${n}`] });
      }
    }
    done++;
    await emit({ action: 'result', id: builds, type: 105, fields: [done, expected, 0, 0] });
    await emit({ action: 'result', id: realise, type: 106, fields: [101, done * 1000] });
    await emit({ action: 'stop', id: build });
  }
  await emit({ action: 'stop', id: builds });
  await emit({ action: 'stop', id: realise });
  await new Promise<void>((resolve) => out.end(resolve));
}

function runVariant(name: string, file: string): { seconds: number; maxRssMiB: number; check: number } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--variant', name, '--file', file], { encoding: 'utf-8' });
  if (child.status !== 0) throw new Error(`variant ${name} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { seconds: number; maxRssMiB: number; check: number };
}

async function main(): Promise<void> {
  const variantName = argValue('--variant');
  const fileArg = argValue('--file');
  if (variantName !== undefined && fileArg !== undefined) return variant(variantName, fileArg);
  const lines = Number(argValue('--lines') ?? '1000000');
  const runs = Number(argValue('--runs') ?? '3');
  const temp = makeTempDir('bench-build-log');
  try {
    const file = join(temp.path, 'build.log');
    await writeLog(file, lines);
    console.log(`log: ${lines} lines, ${(statSync(file).size / 1024 / 1024).toFixed(0)} MiB`);
    const bare: number[] = [];
    const ours: number[] = [];
    let bareRss = 0;
    let oursRss = 0;
    for (let i = 0; i < runs; i++) {
      // Alternate, so drift on a shared machine hits both alike.
      const b = runVariant('bare', file);
      const o = runVariant('model', file);
      bare.push(b.seconds);
      ours.push(o.seconds);
      bareRss = Math.max(bareRss, b.maxRssMiB);
      oursRss = Math.max(oursRss, o.maxRssMiB);
      if (i === 0) console.log(`  builds done per model: ${o.check}`);
    }
    const bestBare = Math.min(...bare);
    const bestOurs = Math.min(...ours);
    console.log(`  bare JSON.parse loop       ${bestBare.toFixed(2)} s  (runs: ${bare.map((t) => t.toFixed(2)).join(', ')})  peak RSS ${bareRss.toFixed(0)} MiB`);
    console.log(`  parser + BuildProgress     ${bestOurs.toFixed(2)} s  (runs: ${ours.map((t) => t.toFixed(2)).join(', ')})  peak RSS ${oursRss.toFixed(0)} MiB`);
    console.log(`  ratio ours / bare: ${(bestOurs / bestBare).toFixed(2)}× (goal ≤ 1.5×)`);
  } finally {
    temp.remove();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});

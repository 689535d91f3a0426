/**
 * What the parser and diagnostics benches share: timing a function (wall and CPU), timing a
 * process (wall here, CPU from GNU time), `nix-instantiate` on a file with and without printing
 * its AST and on a one-token file (its startup), our code as it ships (esbuild, minified) both in
 * this process and as a fresh `node` process, medians, and a multi-megabyte Nix file made of
 * real sources. CPU time holds up better than wall time on a busy machine.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function summary(timings: readonly Timing[]): Timing {
  return { wall: median(timings.map((t) => t.wall)), cpu: median(timings.map((t) => t.cpu)) };
}

export function minus(a: Timing, b: Timing): Timing {
  return { wall: Math.max(a.wall - b.wall, 0), cpu: Math.max(a.cpu - b.cpu, 0) };
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

/** One run of `argv`: wall time here, CPU time (user + system) from GNU time (Debian package `time`). */
export function timeProcess(argv: readonly string[], env: NodeJS.ProcessEnv): Timing {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', ...argv], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const match = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  if (result.status !== 0 || match === null) throw new Error(`${argv[0] ?? ''} failed: ${result.stderr.slice(0, 500)}`);
  return { wall, cpu: (Number(match[1]) + Number(match[2])) * 1000 };
}

/** `nix-instantiate --parse FILE`: parse (with Nix's variable binding) and print the AST. */
export function timeNix(file: string, env: NodeJS.ProcessEnv): Timing {
  return timeProcess(['nix-instantiate', '--parse', file], env);
}

/** Nix parsing the file without printing it: `import` parses and binds variables, `seq` forces
 * only the top-level value (an attribute set of unevaluated thunks), and `null` is printed. */
export function timeNixNoPrint(file: string, env: NodeJS.ProcessEnv): Timing {
  return timeProcess(['nix-instantiate', '--eval', '-E', `builtins.seq (import ${JSON.stringify(file)}) null`], env);
}

/** Nix's own startup and teardown: `nix-instantiate --parse` on a one-token file in `dir`. */
export function nixStartupFile(dir: string): string {
  const file = join(dir, 'one-token.nix');
  writeFileSync(file, '1\n');
  return file;
}

/** The medians of `runs` interleaved runs of each process (interleaved, so that a busy spell
 * on the machine hits every side alike). */
export function interleaved(runs: number, sides: readonly (() => Timing)[]): Timing[] {
  const all: Timing[][] = sides.map(() => []);
  for (let i = 0; i < runs; i++) sides.forEach((side, s) => all[s]?.push(side()));
  return all.map(summary);
}

/**
 * src/core/<area> bundled as it ships: esbuild, minified (`npm run build:prod`, what the
 * packaged extension's dist/server.js is). tsx's per-module getters would slow every
 * cross-file call, so the benches never time the TypeScript sources directly.
 */
export function bundleCore(dir: string, area: string): string {
  const outfile = join(dir, `${area}.cjs`);
  buildSync({
    entryPoints: [join(__dirname, '..', 'src', 'core', area, 'index.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

export function loadBundle<T>(outfile: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as T;
}

/**
 * A fresh `node` process that loads `bundle`, reads `file` and runs `call` (an expression over
 * `m`, the bundle's exports, and `text`) once: what a first check costs, Node's startup included,
 * to set beside Nix's process. No warm-up, so the JIT has not compiled our code yet.
 */
export function timeNodeCold(bundle: string, file: string, call: string, env: NodeJS.ProcessEnv): Timing {
  const script = `const m = require(${JSON.stringify(bundle)}); const text = require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'); ${call};`;
  return timeProcess([process.execPath, '-e', script], env);
}

/** Node's own startup and teardown: a process that does nothing. */
export function timeNodeStartup(env: NodeJS.ProcessEnv): Timing {
  return timeProcess([process.execPath, '-e', '0'], env);
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

/** Below this much CPU, GNU time (10 ms steps) cannot tell Nix's parse from its startup. */
const NIX_RESOLUTION_MS = 20;

/** `label  wall … ms  cpu … ms  [name: wall ratio, cpu ratio]…`; a ratio below 1 means ours is faster. */
export function formatLine(label: string, t: Timing, against: readonly (readonly [string, Timing])[] = []): string {
  const ratios = against
    .map(([name, nix]) =>
      nix.cpu < NIX_RESOLUTION_MS ? `   ${name}: n/a (Nix's part is below GNU time's resolution)` : `   ${name}: ${(t.wall / nix.wall).toFixed(2)} wall, ${(t.cpu / nix.cpu).toFixed(2)} cpu`,
    )
    .join('');
  return `  ${label.padEnd(38)} wall ${t.wall.toFixed(1).padStart(7)} ms  cpu ${t.cpu.toFixed(1).padStart(7)} ms${ratios}`;
}

/** Nix's three timings for `file`, interleaved: --parse, without printing, and its startup. */
export function nixTimings(file: string, startupFile: string, runs: number, env: NodeJS.ProcessEnv): { parse: Timing; noPrint: Timing; startup: Timing } {
  const [parse, noPrint, startup] = interleaved(runs, [() => timeNix(file, env), () => timeNixNoPrint(file, env), () => timeNix(startupFile, env)]);
  if (parse === undefined || noPrint === undefined || startup === undefined) throw new Error('no nix timings');
  return { parse, noPrint, startup };
}

export const HOW_MEASURED = [
  'How this is measured: the same file on both sides, in the same run; medians; CPU = user + system of all threads',
  '(GNU time for processes, process.cpuUsage in this process; it holds up better than wall time on a busy machine).',
  'Our side is the esbuild-minified bundle, as the packaged server runs it. Ratios are ours / Nix: below 1 means ours is faster.',
  '"excl. startup": ours warm in this process (JIT warmed, no Node startup) against Nix minus its startup (a one-token file).',
  '"warm vs process": ours warm (as in the long-running language server) against the whole Nix process a user would run.',
  '"incl. startup": a fresh node process (Node startup, loading the bundle, reading the file, cold JIT) against the Nix process.',
  'nix-instantiate --parse also prints the AST; "no print" is `nix-instantiate --eval -E \'builtins.seq (import FILE) null\'`:',
  'the same parse and variable binding (Nix binds variables while parsing, as our resolveScopes does) with nothing printed.',
];

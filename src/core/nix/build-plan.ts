/**
 * The plan before a long build, from `nix build --dry-run`. Nix prints it as messages (level 0
 * in internal-json, plain lines otherwise) — wording from Nix's printMissing:
 *   2.8:   "these 24 derivations will be built:" / "this derivation will be built:"
 *          "these 5 paths will be fetched (12.34 MiB download, 56.78 MiB unpacked):"
 *   2.19+: the same, with sizes rendered as "12.3 MiB", "812.0 KiB"
 * then one "  /nix/store/…" line per path. Derivations that are normally fetched from a cache but
 * will be built here (a compiler, a kernel: hours on a small board) are called out.
 */
import { nixFailure, type NixCli } from './nix-cli';
import { derivationName, packageName } from './build-progress-model';
import type { NixLogEvent } from './internal-json';

export interface BuildPlan {
  /** .drv paths that will be built, in Nix's order (dependencies first). */
  readonly toBuild: readonly string[];
  /** Store paths that will be fetched from a substituter. */
  readonly toFetch: readonly string[];
  readonly downloadBytes: number;
  readonly unpackedBytes: number;
  /** Of `toBuild`, the ones that take hours from source (compilers, kernels, glibc, binutils). */
  readonly expensive: readonly ExpensiveBuild[];
}

export interface ExpensiveBuild {
  readonly drvPath: string;
  readonly name: string;
  readonly why: 'compiler' | 'kernel' | 'c library' | 'toolchain';
}

const BUILD_HEADER = /^(?:these (\d+) derivations|this derivation) will be built:$/;
const FETCH_HEADER = /^(?:these (\d+) paths|this path) will be fetched \(([\d.]+)\s*([KMGTPE]?i?B) download, ([\d.]+)\s*([KMGTPE]?i?B) unpacked\):$/;
const STORE_LINE = /^\s+(\/\S+)$/;

const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  PiB: 1024 ** 5,
  EiB: 1024 ** 6,
};

function bytes(value: string | undefined, unit: string | undefined): number {
  return Math.round(Number(value ?? 0) * (UNIT_BYTES[unit ?? 'B'] ?? 1));
}

/** Parses the dry-run's lines (message texts or plain stderr lines). */
export function parseBuildPlan(lines: Iterable<string>): BuildPlan {
  const toBuild: string[] = [];
  const toFetch: string[] = [];
  let downloadBytes = 0;
  let unpackedBytes = 0;
  let section: 'build' | 'fetch' | undefined;
  for (const raw of lines) {
    // A message may hold several lines (text format) or one (internal-json).
    for (const line of raw.split('\n')) {
      const trimmed = line.trim();
      if (BUILD_HEADER.test(trimmed)) {
        section = 'build';
        continue;
      }
      const fetch = FETCH_HEADER.exec(trimmed);
      if (fetch !== null) {
        section = 'fetch';
        downloadBytes += bytes(fetch[2], fetch[3]);
        unpackedBytes += bytes(fetch[4], fetch[5]);
        continue;
      }
      const path = STORE_LINE.exec(line)?.[1];
      if (path !== undefined && section === 'build') toBuild.push(path);
      else if (path !== undefined && section === 'fetch') toFetch.push(path);
      else if (trimmed.length > 0) section = undefined;
    }
  }
  return { toBuild, toFetch, downloadBytes, unpackedBytes, expensive: expensiveBuilds(toBuild) };
}

const COMPILERS = new Set(['gcc', 'rustc', 'llvm', 'clang', 'ghc', 'go', 'gfortran']);
const NOT_KERNELS = new Set(['linux-headers', 'linux-firmware', 'linux-pam']);

/** Why a derivation is expensive to build from source, or undefined. Cross compilers
 * (`armv7l-unknown-linux-gnueabihf-gcc`) count as their compiler. */
export function expensiveReason(drvName: string): ExpensiveBuild['why'] | undefined {
  const name = packageName(drvName);
  const tool = name.slice(name.lastIndexOf('-') + 1);
  if (COMPILERS.has(name) || (COMPILERS.has(tool) && /-(?:linux|darwin|none|elf|eabi)/.test(name))) return 'compiler';
  if (name === 'glibc' || name.endsWith('-glibc') || name === 'musl') return 'c library';
  if (name === 'binutils' || name.endsWith('-binutils')) return 'toolchain';
  if ((name === 'linux' || name.startsWith('linux-')) && !NOT_KERNELS.has(name)) return 'kernel';
  return undefined;
}

function expensiveBuilds(toBuild: readonly string[]): readonly ExpensiveBuild[] {
  const found: ExpensiveBuild[] = [];
  for (const drvPath of toBuild) {
    const name = derivationName(drvPath);
    const why = expensiveReason(name);
    if (why !== undefined) found.push({ drvPath, name, why });
  }
  return found;
}

export interface PlanBuildOptions {
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** Extra nix arguments (`--override-input`, `--store …`), as for the build itself. */
  readonly extraArgs?: readonly string[];
  readonly fallbackSourceDir?: string;
}

/** Runs `nix build --dry-run INSTALLABLES` and parses what it will build and fetch. */
export async function planBuild(nix: NixCli, installables: readonly string[], options: PlanBuildOptions = {}): Promise<BuildPlan> {
  const texts: string[] = [];
  const onEvent = (event: NixLogEvent): void => {
    if (event.kind === 'message' || event.kind === 'plain') texts.push(event.text);
  };
  const result = await nix.run(['build', '--dry-run', ...(options.extraArgs ?? []), ...installables], {
    onEvent,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.fallbackSourceDir === undefined ? {} : { fallbackSourceDir: options.fallbackSourceDir }),
  });
  if (result.exec.exitCode !== 0) {
    throw nixFailure(`Planning the build of ${installables.join(' ')}`, result);
  }
  return parseBuildPlan(texts);
}

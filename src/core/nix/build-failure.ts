/**
 * Why a build failed, for the user: the failing derivations with their errors and log tails, or
 * the evaluation error at its place in the workspace (Nix names the flake's store copy).
 */
import { resolve } from 'node:path';
import { DevicesError, type SourceLocation } from '../errors';
import type { BuildOptions } from './build';
import type { BuildProgress } from './build-progress';
import type { DerivationStatus } from './build-progress-model';
import { readFlakeMetadata } from './flake-outputs';
import type { NixCli, NixRunResult } from './nix-cli';
import { mapStorePath, mapStorePathsInText, type SourceRoot } from './source-paths';

/**
 * A build that failed: in evaluation (NIX_EVAL_FAILED, with the workspace location) or in a
 * builder (NIX_BUILD_FAILED, with the failing derivations, their errors and last log lines).
 */
export class BuildFailedError extends DevicesError {
  /** nix's exit status (the CLI exits with it). */
  readonly exitCode: number | null;
  readonly failures: readonly DerivationStatus[];

  constructor(
    code: 'NIX_EVAL_FAILED' | 'NIX_BUILD_FAILED',
    message: string,
    options: { readonly failures: readonly DerivationStatus[]; readonly exitCode: number | null; readonly detail: string; readonly location?: SourceLocation },
  ) {
    super(code, message, {
      detail: options.detail,
      ...(options.location === undefined ? {} : { location: options.location }),
      actions: options.failures.map((f) => ({ title: 'Open Full Log', command: 'nixosDevices.openBuildLog', args: [f.drvPath] })),
    });
    this.failures = options.failures;
    this.exitCode = options.exitCode;
  }
}

/** A local flake reference's folder (`.`, `./x`, `/abs`, `path:…`), else undefined. */
export function localFlakeDir(installable: string, cwd: string): string | undefined {
  const hash = installable.indexOf('#');
  let ref = hash < 0 ? installable : installable.slice(0, hash);
  if (ref.startsWith('path:')) ref = ref.slice(5);
  else if (ref.startsWith('git+file://')) ref = ref.slice('git+file://'.length);
  ref = ref.replace(/\?.*$/, '');
  if (ref === '') ref = '.';
  if (ref.startsWith('/') || ref.startsWith('.')) return resolve(cwd, ref);
  return undefined;
}

export async function buildFailure(
  nix: NixCli,
  installables: readonly string[],
  result: NixRunResult,
  progress: BuildProgress,
  options: BuildOptions,
): Promise<BuildFailedError> {
  const snapshot = progress.snapshot();
  const failures = snapshot.derivations.filter((d) => d.state === 'failed');
  const what = installables.join(' ');
  if (failures.length > 0) {
    const first = failures[0];
    const detail = failures.map((f) => [`${f.name}: ${f.error ?? 'failed'}`, ...f.logTail.map((l) => `  ${l}`)].join('\n')).join('\n\n');
    const error = first?.error ?? 'its builder failed';
    return new BuildFailedError('NIX_BUILD_FAILED', `Building ${what} failed: ${first?.name ?? 'a derivation'}: ${error}`, {
      failures,
      exitCode: result.exec.exitCode,
      detail,
    });
  }
  // Evaluation errors name the flake's store copy: map them back to the workspace.
  const cwd = options.cwd ?? process.cwd();
  const dirs = [...new Set(installables.map((i) => localFlakeDir(i, cwd)).filter((d): d is string => d !== undefined))];
  const roots: SourceRoot[] = [];
  for (const dir of dirs) {
    try {
      const meta = await readFlakeMetadata(nix, dir, options.signal);
      roots.push({ storePath: meta.sourcePath, localDir: dir });
    } catch {
      // the flake itself does not evaluate: fall back to mapping any source path to it
    }
  }
  const fallback = dirs.length === 1 ? dirs[0] : undefined;
  const errors = snapshot.errors.filter((e) => e.level === 0 && !/^\(use '--show-trace'/.test(e.text));
  const first = errors.find((e) => e.position !== undefined) ?? errors[0];
  const mapText = (text: string): string => mapStorePathsInText(text, roots, fallback);
  const location: SourceLocation | undefined =
    first?.position === undefined
      ? undefined
      : { ...first.position, file: mapFile(first.position.file, roots, fallback) };
  const summary = first === undefined ? `nix exited with ${String(result.exec.exitCode)}` : mapText(first.rawText ?? first.text.replace(/^error:\s*/, ''));
  return new BuildFailedError('NIX_EVAL_FAILED', `Evaluating ${what} failed: ${summary.split('\n')[0] ?? summary}`, {
    failures: [],
    exitCode: result.exec.exitCode,
    detail: [...errors.map((e) => mapText(e.text)), `argv: ${JSON.stringify(result.exec.argv)}`].join('\n'),
    ...(location === undefined ? {} : { location }),
  });
}

function mapFile(file: string, roots: readonly SourceRoot[], fallback: string | undefined): string {
  const mapped = mapStorePath(file, roots);
  return mapped === file ? mapStorePathsInText(file, [], fallback) : mapped;
}

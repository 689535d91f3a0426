/**
 * The package names a flake input provides for a system (`inputs.<input>.packages.<system>`),
 * for foreign-arch-package's fix: the language server asks, the editor answers with this. One
 * `nix eval` of `builtins.getFlake` on the workspace flake with its flake.lock as written (Nix
 * 2.8's getFlake never updates a lock file: an input missing from flake.lock is an error, so
 * the extension never rewrites the user's lock behind their back). Only attribute names are
 * read: no package is evaluated, let alone built. Answers are cached by the flake.lock's
 * content, which pins every input.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevicesError } from '../errors';
import type { NixCli } from './nix-cli';

export interface InputPackagesQuery {
  /** The folder holding the workspace flake's flake.nix. */
  readonly flakeDir: string;
  /** The input's name in the flake's `inputs`. */
  readonly input: string;
  readonly system: string;
}

export interface ReadInputPackagesOptions {
  readonly cache?: InputPackagesCache;
  readonly signal?: AbortSignal;
}

/** The input's names for the system (empty when it has no packages for it); null when the flake has no such input. */
export type InputPackageNames = readonly string[] | null;

/** Answers by flake folder, flake.lock content, input and system; a query in flight is shared. */
export class InputPackagesCache {
  private readonly entries = new Map<string, Promise<InputPackageNames>>();

  constructor(private readonly maxEntries = 128) {}

  /** The cached (or in-flight) answer for `key`, else `compute()`'s, remembered unless it fails. */
  getOrCompute(key: string, compute: () => Promise<InputPackageNames>): Promise<InputPackageNames> {
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const promise = compute();
    this.entries.set(key, promise);
    // A failure (offline, a broken flake) is not an answer: the next query tries again.
    promise.catch(() => {
      if (this.entries.get(key) === promise) this.entries.delete(key);
    });
    // Maps iterate in insertion order: the first key is the oldest.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return promise;
  }
}

/** sha256 of the flake.lock, or of nothing when there is none (a flake without inputs).
 * Synchronous: a lock file is a few KiB, and the language server keys answers by it while rules run. */
export function flakeLockHash(flakeDir: string): string {
  let content: Buffer;
  try {
    content = readFileSync(join(flakeDir, 'flake.lock'));
  } catch {
    content = Buffer.alloc(0);
  }
  return createHash('sha256').update(content).digest('hex');
}

export async function readInputPackages(nix: NixCli, query: InputPackagesQuery, options: ReadInputPackagesOptions = {}): Promise<InputPackageNames> {
  const evaluate = (): Promise<InputPackageNames> => evaluateInputPackages(nix, query, options.signal);
  if (options.cache === undefined) return evaluate();
  const key = JSON.stringify([query.flakeDir, flakeLockHash(query.flakeDir), query.input, query.system]);
  return options.cache.getOrCompute(key, evaluate);
}

async function evaluateInputPackages(nix: NixCli, query: InputPackagesQuery, signal: AbortSignal | undefined): Promise<InputPackageNames> {
  const value = await nix.json(['eval', '--json', '--impure', '--expr', INPUT_PACKAGES_EXPRESSION], {
    cwd: query.flakeDir,
    fallbackSourceDir: query.flakeDir,
    env: { NIXOS_DEVICES_FLAKE_REF: query.flakeDir, NIXOS_DEVICES_INPUT: query.input, NIXOS_DEVICES_SYSTEM: query.system },
    what: `Reading the packages of input ${query.input} of ${query.flakeDir} for ${query.system}`,
    ...(signal === undefined ? {} : { signal }),
  });
  if (value === null) return null;
  if (!Array.isArray(value) || !value.every((n): n is string => typeof n === 'string')) {
    throw new DevicesError('NIX_EVAL_FAILED', `Reading the packages of input ${query.input} of ${query.flakeDir}: nix did not print a list of names.`, {
      detail: JSON.stringify(value).slice(0, 2000),
    });
  }
  return value;
}

/** The flake (a folder: nix picks path: or git+file: as `nix build` does), input and system
 * reach Nix through the environment, never spliced into Nix code; `--impure` lets getEnv see
 * them and getFlake take a folder. */
const INPUT_PACKAGES_EXPRESSION = `let
  flake = builtins.getFlake (builtins.getEnv "NIXOS_DEVICES_FLAKE_REF");
  input = flake.inputs.\${builtins.getEnv "NIXOS_DEVICES_INPUT"} or null;
  system = builtins.getEnv "NIXOS_DEVICES_SYSTEM";
in
  if !(builtins.isAttrs input) then null
  else if !(input ? packages) || !(input.packages ? \${system}) then [ ]
  else builtins.attrNames input.packages.\${system}`;

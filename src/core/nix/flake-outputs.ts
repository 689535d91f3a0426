/**
 * Lists a flake's outputs for the Flake view and `nixos-devices outputs`: `nix flake metadata`
 * (the source's store path is the cache key: it changes when any file of the flake changes,
 * imported modules included), `nix flake show --json` for the kinds, and one `nix eval --json`
 * whose functions return only names and scalars (describe-expressions.ts) for what flake show
 * calls "unknown" (`images`, `deploy`) and for the platforms of configurations and packages.
 */
import { DevicesError } from '../errors';
import { DESCRIBE_NIXOS_CONFIGURATIONS, DESCRIBE_PACKAGES, DESCRIBE_VALUE } from './describe-expressions';
import type { FlakeOutputs } from './flake-outputs-model';
import { interpretOutputs } from './flake-outputs-interpret';
import type { NixCli } from './nix-cli';
import type { SourceRoot } from './source-paths';

export interface FlakeMetadata {
  /** A locked reference to exactly this content (`url` in nix's metadata). */
  readonly lockedUrl: string;
  readonly sourcePath: string;
  readonly description?: string;
}

export interface ListFlakeOutputsOptions {
  readonly signal?: AbortSignal;
  readonly cache?: FlakeOutputsCache;
}

/** Outputs by flake folder and source store path: re-listing an unchanged flake costs one
 * `nix flake metadata`. */
export class FlakeOutputsCache {
  private readonly entries = new Map<string, FlakeOutputs>();
  private key(flakeDir: string, sourcePath: string): string {
    return `${flakeDir}\u0000${sourcePath}`;
  }
  get(flakeDir: string, sourcePath: string): FlakeOutputs | undefined {
    return this.entries.get(this.key(flakeDir, sourcePath));
  }
  set(outputs: FlakeOutputs): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${outputs.flakeDir}\u0000`)) this.entries.delete(key);
    this.entries.set(this.key(outputs.flakeDir, outputs.sourcePath), outputs);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readFlakeMetadata(nix: NixCli, flakeDir: string, signal?: AbortSignal): Promise<FlakeMetadata> {
  let data: unknown;
  try {
    data = await nix.json(['flake', 'metadata', '--json', flakeDir], {
      what: `Reading the flake in ${flakeDir}`,
      cwd: flakeDir,
      fallbackSourceDir: flakeDir,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    throw explainMetadataFailure(error, flakeDir);
  }
  if (!isRecord(data) || typeof data['url'] !== 'string' || typeof data['path'] !== 'string') {
    throw new DevicesError('NIX_EVAL_FAILED', `nix flake metadata for ${flakeDir} did not name the flake's source.`);
  }
  const description = typeof data['description'] === 'string' ? data['description'] : undefined;
  return { lockedUrl: data['url'], sourcePath: data['path'], ...(description === undefined ? {} : { description }) };
}

/** Inside a git repository nix copies only tracked files: an untracked flake.nix is "missing". */
function explainMetadataFailure(error: unknown, flakeDir: string): unknown {
  if (error instanceof DevicesError && /No such file or directory|does not exist|not tracked/i.test(error.message)) {
    return new DevicesError(
      'FLAKE_NOT_FOUND',
      `Nix cannot see the flake in ${flakeDir}. Inside a git repository nix only reads files that git tracks: run \`git add flake.nix\` (and the files it imports).`,
      { cause: error, ...(error.detail === undefined ? {} : { detail: error.detail }) },
    );
  }
  return error;
}

export async function listFlakeOutputs(nix: NixCli, flakeDir: string, options: ListFlakeOutputsOptions = {}): Promise<FlakeOutputs> {
  const signalOption = options.signal === undefined ? {} : { signal: options.signal };
  const metadata = await readFlakeMetadata(nix, flakeDir, options.signal);
  const cached = options.cache?.get(flakeDir, metadata.sourcePath);
  if (cached !== undefined) return cached;

  const sourceRoots: SourceRoot[] = [{ storePath: metadata.sourcePath, localDir: flakeDir }];
  const common = { cwd: flakeDir, sourceRoots, fallbackSourceDir: flakeDir, ...signalOption };
  const show = await nix.json(['flake', 'show', '--json', ...(await nix.flakeShowArgs()), metadata.lockedUrl], {
    ...common,
    what: `Listing the outputs of ${flakeDir}`,
  });
  if (!isRecord(show)) throw new DevicesError('NIX_EVAL_FAILED', `nix flake show for ${flakeDir} printed no outputs.`);

  const unknownNames = Object.entries(show)
    .filter(([, value]) => isRecord(value) && value['type'] === 'unknown')
    .map(([name]) => name);
  const details = await nix.json(['eval', '--json', '--impure', '--expr', DETAILS_EXPRESSION], {
    ...common,
    env: { NIXOS_DEVICES_FLAKE_REF: metadata.lockedUrl, NIXOS_DEVICES_UNKNOWN_OUTPUTS: JSON.stringify(unknownNames) },
    what: `Reading the outputs of ${flakeDir}`,
  });
  const outputs = interpretOutputs({ flakeDir, metadata, show, details });
  options.cache?.set(outputs);
  return outputs;
}

/** One evaluation for all details. The flake reference and the output names reach Nix through
 * the environment, never spliced into Nix code; `--impure` is what lets getEnv see them. */
const DETAILS_EXPRESSION = `let
  flake = builtins.getFlake (builtins.getEnv "NIXOS_DEVICES_FLAKE_REF");
  o = flake.outputs;
  unknown = builtins.fromJSON (builtins.getEnv "NIXOS_DEVICES_UNKNOWN_OUTPUTS");
  describeConfigurations = ${DESCRIBE_NIXOS_CONFIGURATIONS};
  describePackages = ${DESCRIBE_PACKAGES};
  describeValue = ${DESCRIBE_VALUE};
in {
  nixosConfigurations = if o ? nixosConfigurations then describeConfigurations o.nixosConfigurations else null;
  packages = if o ? packages then describePackages o.packages else null;
  unknown = builtins.listToAttrs (map (n: { name = n; value = describeValue o.\${n}; }) unknown);
}`;

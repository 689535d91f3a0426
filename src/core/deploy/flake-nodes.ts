/**
 * Deploy nodes of a flake (deploy-rs's `deploy.nodes`), resolved for the built-in engine: the
 * node's settings from listFlakeOutputs, its system profile's derivation, built with nix, and an
 * SSH target from hostname, sshUser and sshOpts. Node names never enter an installable: the
 * derivations of all nodes are read as one JSON map and picked by exact name, so a name with
 * quotes, `$(…)` or newlines is only ever data.
 */
import { DevicesError } from '../errors';
import { listFlakeOutputs, versionAtLeast, type DeployNodeOutput, type NixCli } from '../nix';
import type { SshTarget } from '../remote';

export interface FlakeDeployNode {
  readonly node: DeployNodeOutput;
  /** The profile deployed ("system" when the node has it, else its only profile). */
  readonly profile: string;
  readonly drvPath: string;
}

const DRV_PATHS_APPLY = 'nodes: builtins.mapAttrs (name: node: builtins.mapAttrs (profile: p: p.path.drvPath or null) (node.profiles or { })) nodes';

/** `NODE` or `.#NODE` (deploy-rs's form) → NODE. */
export function nodeNameFromArg(arg: string): string {
  return arg.startsWith('.#') ? arg.slice(2) : arg;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function resolveDeployNodes(nix: NixCli, flakeDir: string, names: readonly string[], signal?: AbortSignal): Promise<FlakeDeployNode[]> {
  const signalOption = signal === undefined ? {} : { signal };
  const outputs = await listFlakeOutputs(nix, flakeDir, signalOption);
  const drvs = await nix.json(['eval', '--json', '.#deploy.nodes', '--apply', DRV_PATHS_APPLY], { cwd: flakeDir, what: `Reading the deploy nodes of ${flakeDir}`, ...signalOption });
  return names.map((raw) => {
    const name = nodeNameFromArg(raw);
    const node = outputs.deployNodes.find((n) => n.name === name);
    if (node === undefined) {
      const known = outputs.deployNodes.map((n) => JSON.stringify(n.name)).join(', ');
      throw new DevicesError('NOT_FOUND', `The flake in ${flakeDir} has no deploy node ${JSON.stringify(name)} (it has: ${known || 'none'}).`);
    }
    const profiles = isRecord(drvs) ? drvs[name] : undefined;
    const entries = isRecord(profiles) ? Object.entries(profiles) : [];
    const chosen = entries.find(([profile]) => profile === 'system') ?? (entries.length === 1 ? entries[0] : undefined);
    if (chosen === undefined || typeof chosen[1] !== 'string') {
      throw new DevicesError('UNSUPPORTED', `Deploy node ${JSON.stringify(name)} has no "system" profile built from a derivation; the built-in engine deploys NixOS systems. Use deploy-rs for other profiles.`);
    }
    return { node, profile: chosen[0], drvPath: chosen[1] };
  });
}

/** Builds a node's profile; returns the system's store path. */
export async function buildDeployNode(nix: NixCli, flakeDir: string, node: FlakeDeployNode, signal?: AbortSignal): Promise<string> {
  // Nix 2.13+ reads a bare .drv path as the file itself; older Nix rejects `^out`.
  const installable = versionAtLeast(await nix.version(), 2, 13) ? `${node.drvPath}^out` : node.drvPath;
  const built = await nix.json(['build', '--no-link', '--json', installable], { cwd: flakeDir, what: `Building deploy node ${JSON.stringify(node.node.name)}`, ...(signal === undefined ? {} : { signal }) });
  const first: unknown = Array.isArray(built) ? built[0] : undefined;
  const outputs: unknown = isRecord(first) ? first['outputs'] : undefined;
  const out: unknown = isRecord(outputs) ? outputs['out'] : undefined;
  if (typeof out !== 'string') throw new DevicesError('NIX_BUILD_FAILED', `nix build printed no output path for deploy node ${JSON.stringify(node.node.name)}.`);
  return out;
}

/**
 * The SSH target of a node: hostname and sshUser, plus what sshOpts says about port (-p),
 * identity (-i), user (-l) and config file (-F); other options are left to ~/.ssh/config.
 */
export function sshTargetOfNode(node: DeployNodeOutput): { readonly target: SshTarget; readonly configFile?: string; readonly ignoredOpts: readonly string[] } {
  if (node.hostname === undefined || node.hostname === '') {
    throw new DevicesError('INVALID_SETTING', `Deploy node ${JSON.stringify(node.name)} has no hostname.`);
  }
  let port: number | undefined;
  let identityFile: string | undefined;
  let user = node.sshUser;
  let configFile: string | undefined;
  const ignored: string[] = [];
  const opts = node.sshOpts;
  for (let i = 0; i < opts.length; i++) {
    const opt = opts[i] ?? '';
    const value = opts[i + 1];
    if (['-p', '-i', '-l', '-F'].includes(opt) && value !== undefined) {
      if (opt === '-p') port = Number(value);
      if (opt === '-i') identityFile = value;
      if (opt === '-l') user ??= value;
      if (opt === '-F') configFile = value;
      i++;
    } else {
      ignored.push(opt);
    }
  }
  const target: SshTarget = {
    host: node.hostname,
    ...(port === undefined || !Number.isInteger(port) ? {} : { port }),
    ...(user === undefined ? {} : { user }),
    ...(identityFile === undefined ? {} : { identityFile }),
  };
  return { target, ...(configFile === undefined ? {} : { configFile }), ignoredOpts: ignored };
}

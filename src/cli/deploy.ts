/**
 * `nixos-devices deploy NODE... [--dry-activate|--boot] [--json] [--confirm-timeout S]
 *  [--all-or-nothing] [--concurrency N] [--health-check JSON_ARGV] [--extlinux-conf PATH]`:
 * run in the flake's folder; NODE as in `deploy.nodes` or `.#NODE`. Builds each node's system,
 * shows the closure diff, copies and activates it with magic rollback, and prints each device's
 * outcome (JSON with --json). Exits 0 only when every device confirmed (or staged / dry-ran):
 * a rollback is a failure, even though the board is healthy again.
 */
import { DevicesError, exitStatusFor } from '../core/errors';
import type { Logger } from '../core/log';
import {
  DEFAULT_BOARD_PATHS,
  boardLinkFromPool,
  boardPaths,
  buildDeployNode,
  deploySucceeded,
  describeReason,
  outcomeError,
  resolveDeployNodes,
  sshTargetOfNode,
  startDeployMany,
  summarizeDiff,
  type BoardLink,
  type BoardPaths,
  type DeployMode,
  type DeviceDeployReport,
  type HealthCheck,
} from '../core/deploy';
import { NixCli, type DeployNodeOutput } from '../core/nix';
import { SshPool, type SshConnection } from '../core/remote';
import { parseArgs } from './args';
import type { CliCommand, CliIo } from './main';

/** Logs to stderr, one line per message: what the CLI's user sees of the engine's work. */
export function stderrLogger(io: CliIo, verbose: boolean): Logger {
  const write = (level: string) => (message: string | Error): void => {
    io.stderr.write(`${level}: ${message instanceof Error ? (message.stack ?? message.message) : message}\n`);
  };
  const quiet = (): void => undefined;
  return { trace: quiet, debug: verbose ? write('debug') : quiet, info: verbose ? write('info') : quiet, warn: write('warning'), error: write('error') };
}

/** The Nix settings of the CLI's environment, for the local nix-store runs. */
export function nixEnvOf(io: CliIo): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(io.env)) if (key.startsWith('NIX_') && value !== undefined) env[key] = value;
  return env;
}

/** SSH pools by config file (a node's sshOpts may name one with -F). Close with closeAll. */
export class NodeLinks {
  private readonly pools = new Map<string, SshPool>();
  constructor(private readonly logger: Logger) {}

  link(node: DeployNodeOutput): BoardLink {
    const { target, configFile, ignoredOpts } = sshTargetOfNode(node);
    if (ignoredOpts.length > 0) this.logger.warn(`deploy node ${JSON.stringify(node.name)}: sshOpts ${JSON.stringify(ignoredOpts)} are not used by the built-in SSH client; put them in ~/.ssh/config`);
    const key = configFile ?? '';
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new SshPool({ logger: this.logger, readyTimeoutMs: 10_000, ...(configFile === undefined ? {} : { resolve: { configFile } }) });
      this.pools.set(key, pool);
    }
    return boardLinkFromPool(pool, target, node.name);
  }

  async closeAll(): Promise<void> {
    for (const pool of this.pools.values()) await pool.close();
  }
}

/** Resolves one deploy node of the flake in `io.cwd`, connects to it, runs `use`, and closes. */
export async function withNodeConnection(
  io: CliIo,
  name: string,
  options: { readonly verbose: boolean; readonly signal: AbortSignal },
  use: (node: DeployNodeOutput, connection: SshConnection) => Promise<number>,
): Promise<number> {
  const logger = stderrLogger(io, options.verbose);
  const nix = new NixCli({ program: io.env['NIXOS_DEVICES_NIX'] ?? 'nix', env: io.env, logger });
  const [node] = await resolveDeployNodes(nix, io.cwd, [name], options.signal);
  if (node === undefined) throw new DevicesError('NOT_FOUND', `No deploy node ${JSON.stringify(name)}.`);
  const links = new NodeLinks(logger);
  try {
    return await use(node.node, await links.link(node.node).connection(options.signal));
  } finally {
    await links.closeAll();
  }
}

export function pathsFromFlags(flag: (name: string) => string | undefined): BoardPaths {
  const extlinux = flag('extlinux-conf');
  return extlinux === undefined ? DEFAULT_BOARD_PATHS : boardPaths({ extlinuxConf: extlinux });
}

function parseHealthCheck(text: string | undefined): HealthCheck[] {
  if (text === undefined) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((w): w is string => typeof w === 'string')) {
    throw new DevicesError('INVALID_ARGUMENT', 'deploy: --health-check takes a JSON array of strings, e.g. \'["ping","-c1","-I","br0","10.0.0.1"]\'.');
  }
  return [{ argv: parsed }];
}

export function describeReport(report: DeviceDeployReport): string {
  const o = report.outcome;
  const name = JSON.stringify(report.node);
  switch (o.kind) {
    case 'confirmed':
      return `${name}: confirmed${o.generation === undefined ? '' : `, generation ${String(o.generation)}`} (${o.systemPath})`;
    case 'staged-for-boot':
      return `${name}: staged for the next boot${o.generation === undefined ? '' : ` as generation ${String(o.generation)}`}`;
    case 'dry-activated':
      return `${name}: dry-activated:\n${o.output.trimEnd()}`;
    case 'rolled-back':
      return `${name}: ROLLED BACK${o.restoredGeneration === undefined ? '' : ` to generation ${String(o.restoredGeneration)}`}: ${describeReason(o.reason)}${o.detail === undefined ? '' : ` (${o.detail})`}`;
    case 'failed-before-activation':
      return `${name}: failed before activation: ${o.message}`;
    case 'cancelled':
      return `${name}: cancelled: ${o.message}`;
    case 'unknown':
      return `${name}: outcome unknown: ${o.message}`;
  }
}

export const deployCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: ['json', 'dry-activate', 'boot', 'all-or-nothing', 'verbose'], values: ['confirm-timeout', 'concurrency', 'health-check', 'extlinux-conf'] }, 'deploy');
  if (parsed.positional.length === 0) throw new DevicesError('INVALID_ARGUMENT', 'deploy: name at least one deploy node, e.g. `nixos-devices deploy vulpix` (or .#vulpix).');
  if (parsed.flags.has('dry-activate') && parsed.flags.has('boot')) throw new DevicesError('INVALID_ARGUMENT', 'deploy: --dry-activate and --boot exclude each other.');
  const flag = (name: string): string | undefined => {
    const value = parsed.flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const mode: DeployMode = parsed.flags.has('dry-activate') ? 'dry-activate' : parsed.flags.has('boot') ? 'boot' : 'switch';
  const json = parsed.flags.has('json');
  const logger = stderrLogger(io, parsed.flags.has('verbose'));
  const nix = new NixCli({ program: io.env['NIXOS_DEVICES_NIX'] ?? 'nix', env: io.env, logger });
  const confirmTimeout = flag('confirm-timeout');
  const healthChecks = parseHealthCheck(flag('health-check'));
  const paths = pathsFromFlags(flag);
  const nodes = await resolveDeployNodes(nix, io.cwd, parsed.positional, signal);
  const links = new NodeLinks(logger);
  try {
    const requests = [];
    for (const node of nodes) {
      io.stderr.write(`building ${JSON.stringify(node.node.name)}…\n`);
      const systemPath = await buildDeployNode(nix, io.cwd, node, signal);
      requests.push({
        node: node.node.name,
        link: links.link(node.node),
        systemPath,
        mode,
        paths,
        nixEnv: nixEnvOf(io),
        healthChecks,
        magicRollback: node.node.magicRollback ?? true,
        ...(confirmTimeout !== undefined ? { confirmTimeoutS: Number(confirmTimeout) } : node.node.confirmTimeout === undefined ? {} : { confirmTimeoutS: node.node.confirmTimeout }),
        ...(node.node.activationTimeout === undefined ? {} : { activationTimeoutS: node.node.activationTimeout }),
      });
    }
    const concurrency = flag('concurrency');
    const job = startDeployMany(requests, { signal, logger, allOrNothing: parsed.flags.has('all-or-nothing'), ...(concurrency === undefined ? {} : { concurrency: Number(concurrency) }) });
    const subscription = job.onEvent((event) => {
      if (event.kind !== 'child' || json) return;
      event.child.onEvent((e) => {
        if (e.kind === 'phase') io.stderr.write(`${event.child.title}: ${e.phase}\n`);
        if (e.kind === 'log') io.stderr.write(`${e.line}\n`);
      });
    });
    const reports = await job.result();
    subscription.dispose();
    if (json) io.stdout.write(`${JSON.stringify({ devices: reports }, null, 2)}\n`);
    else for (const report of reports) io.stdout.write(`${describeReport(report)}${report.diff === undefined ? '' : `\n  diff: ${summarizeDiff(report.diff)}`}\n`);
    const failure = reports.map((r) => outcomeError(JSON.stringify(r.node), r.outcome)).find((e) => e !== undefined);
    if (reports.every((r) => deploySucceeded(r.outcome))) return 0;
    return failure === undefined ? 1 : exitStatusFor(failure);
  } finally {
    await links.closeAll();
  }
};

/**
 * Shared setup for the deploy integration tests: a test board with its own /nix (netns, so its
 * link can go down), an SshPool that reaches it through the real `ssh -G -F` with known_hosts in
 * the test's folder, and fake NixOS systems built by real Nix from examples/sim (unique per run).
 * The board shares the machine's /boot, so the systems' stand-in bootloader writes the menu to
 * /nix/var/sim-boot on the board (its own /nix) and the tests read it there.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boardLinkFromPool, boardPaths, type BoardLink, type BoardPaths } from '../../../src/core/deploy';
import { SshPool } from '../../../src/core/remote';
import { nixTestEnv } from '../../harness/nix';
import { startSshDevice, type ExtraUser, type SshDevice } from '../../harness/ssh-device';

export const SIM_BOOT_DIR = '/nix/var/sim-boot';
export const FIXTURE = join(__dirname, '../../fixtures/deploy/fake-system.nix');

export interface DeployBoard {
  readonly board: SshDevice;
  readonly pool: SshPool;
  readonly link: BoardLink;
  readonly paths: BoardPaths;
  readonly sshConfig: string;
  /** A file of the board's /nix, read from this machine. */
  readNix(path: string): string;
  /** A link of the board's /nix or /run, read inside the board. */
  readlink(path: string): string;
  /** A link to the board through another ssh_config alias (`options.aliases`), same pool. */
  linkAs(alias: string): BoardLink;
  close(): Promise<void>;
}

export interface DeployBoardOptions {
  readonly name?: string;
  readonly network?: 'netns' | 'loopback';
  readonly alias?: string;
  /** The login of `alias` (default root). */
  readonly user?: string;
  /** Accounts that exist only on the board (non-root logins, sudo rights). */
  readonly extraUsers?: readonly ExtraUser[];
  /** More ssh_config aliases for the same board: alias → login user. */
  readonly aliases?: Readonly<Record<string, string>>;
}

export async function startDeployBoard(dir: string, options: DeployBoardOptions = {}): Promise<DeployBoard> {
  const board = await startSshDevice({ name: options.name ?? 'deploy', withNixStore: true, network: options.network ?? 'netns', extraUsers: options.extraUsers ?? [] });
  const alias = options.alias ?? 'board';
  const knownHosts = join(dir, `known_hosts-${board.name}`);
  const sshConfig = join(dir, `ssh_config-${board.name}`);
  writeFileSync(knownHosts, `${board.knownHostsLine()}\n`);
  const hostBlock = (name: string, user: string): string[] => [`Host ${name}`, `  HostName ${board.host}`, `  Port ${String(board.port)}`, `  User ${user}`, `  IdentityFile ${board.clientKey}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes'];
  const blocks = [hostBlock(alias, options.user ?? 'root'), ...Object.entries(options.aliases ?? {}).map(([name, user]) => hostBlock(name, user))];
  writeFileSync(sshConfig, `${blocks.flat().join('\n')}\n`);
  const pool = new SshPool({ resolve: { configFile: sshConfig, local: { home: dir, localUser: 'root', authSock: undefined } }, readyTimeoutMs: 3000 });
  return {
    board,
    pool,
    sshConfig,
    link: boardLinkFromPool(pool, { host: alias }, board.name),
    paths: boardPaths({ extlinuxConf: `${SIM_BOOT_DIR}/extlinux/extlinux.conf` }),
    readNix: (path) => readFileSync(join(board.nixRoot, path.replace(/^\/nix\//, '')), 'utf-8'),
    readlink: (path) => board.runOnBoard(['readlink', path]).trim(),
    linkAs: (name) => boardLinkFromPool(pool, { host: name }, `${board.name} as ${name}`),
    async close() {
      await pool.close();
      await board.stop();
    },
  };
}

export interface FakeSystemOptions {
  readonly nonce: string;
  readonly generation: string;
  /** The configuration takes the board's network down when activated. */
  readonly breaksNetwork?: boolean;
  /** Its activation fails. */
  readonly failsActivation?: boolean;
  readonly packages?: number;
  readonly packageVersion?: string;
  readonly kernelVersion?: string;
  readonly hostName?: string;
}

/** Builds a fake NixOS system with real Nix; returns its store path. */
export function buildFakeSystem(options: FakeSystemOptions): string {
  const simEnv = [`NIXOS_DEVICES_SIM_BOOT=${SIM_BOOT_DIR}`, ...(options.breaksNetwork === true ? ['NIXOS_DEVICES_SIM_LINKS=down'] : []), ...(options.failsActivation === true ? ['NIXOS_DEVICES_SIM_FAIL=1'] : [])].join('\n');
  const args = ['--argstr', 'nonce', options.nonce, '--argstr', 'generation', options.generation, '--argstr', 'simEnv', simEnv, '--argstr', 'packages', String(options.packages ?? 0)];
  if (options.packageVersion !== undefined) args.push('--argstr', 'packageVersion', options.packageVersion);
  if (options.kernelVersion !== undefined) args.push('--argstr', 'kernelVersion', options.kernelVersion);
  if (options.hostName !== undefined) args.push('--argstr', 'hostName', options.hostName);
  const out = execFileSync('nix', ['build', '--no-link', '--json', '-f', FIXTURE, ...args], { env: { ...process.env, ...nixTestEnv() }, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed: unknown = JSON.parse(out);
  const path: unknown = Array.isArray(parsed) ? (parsed[0] as { outputs?: { out?: unknown } } | undefined)?.outputs?.out : undefined;
  if (typeof path !== 'string') throw new Error(`nix build gave no out path: ${out}`);
  return path;
}

export function newNonce(): string {
  return randomBytes(6).toString('hex');
}

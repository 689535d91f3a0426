/**
 * Deploying as a non-root SSH login (deploy-rs's sshUser ≠ user): the board's commands run
 * through `sudo -n`, the closure is imported by root through sudo, magic rollback still reverts
 * as root, generation actions and the CLI's rollback work as that user, and a login without
 * passwordless sudo is refused with the fix named before anything is copied. A real sshd board
 * with its own /nix and real sudo (the board's own sudoers), fake systems built by real Nix.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { rollbackCommand } from '../../../src/cli/rollback';
import { defaultEntry, parseExtlinux } from '../../../src/core/boot';
import {
  asRoot,
  deployToDevice,
  rollbackGeneration,
  setBootGeneration,
  type DeployReporter,
  type DeviceDeployReport,
  type DeviceDeployRequest,
  type GenerationActionContext,
} from '../../../src/core/deploy';
import { prepareElevation } from '../../../src/core/remote';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { SIM_BOOT_DIR, buildFakeSystem, newNonce, startDeployBoard, type DeployBoard } from './deploy-fixture';

const CONFIRM_TIMEOUT_S = 3;
const SUDO_USER = 'deployer';
const PLAIN_USER = 'plain';

function reporter(): DeployReporter {
  return { signal: new AbortController().signal, phase: () => undefined, progress: () => undefined, log: () => undefined };
}

/** A Nix string literal for text without `${`. */
function nixString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

describe('deploying as a non-root SSH login whose commands run through passwordless sudo', () => {
  const temp = makeTempDir('deploy-non-root');
  const nonce = newNonce();
  let b: DeployBoard;
  let systems: Record<'one' | 'two' | 'broken', string>;

  before(async () => {
    systems = {
      one: buildFakeSystem({ nonce, generation: '1' }),
      two: buildFakeSystem({ nonce, generation: '2' }),
      broken: buildFakeSystem({ nonce, generation: '3-broken', breaksNetwork: true }),
    };
    b = await startDeployBoard(temp.path, {
      name: 'nonroot',
      user: SUDO_USER,
      aliases: { 'plain-board': PLAIN_USER },
      extraUsers: [
        { name: SUDO_USER, password: 'not-used', sudo: 'nopasswd' },
        { name: PLAIN_USER, password: 'not-used', sudo: 'none' },
      ],
    });
  });
  after(async () => {
    await b?.close();
    temp.remove();
  });

  const deploy = (systemPath: string, extra: Partial<DeviceDeployRequest> = {}): Promise<DeviceDeployReport> =>
    deployToDevice({ node: 'board', link: b.link, systemPath, paths: b.paths, nixEnv: nixTestEnv(), confirmTimeoutS: CONFIRM_TIMEOUT_S, activationTimeoutS: 30, ...extra }, reporter());

  const menu = () => parseExtlinux(b.readNix(b.paths.extlinuxConf));
  const inBoardStore = (path: string): boolean => existsSync(join(b.board.nixRoot, path.replace(/^\/nix\//, '')));
  /** The board's Nix database (read as root inside the board) says the path is valid. */
  const validOnBoard = (path: string): boolean => {
    const out = b.board.runOnBoard(['sh', '-c', 'nix-store --check-validity "$1" 2>&1 && echo valid || echo invalid', 'check', path]);
    return out.trim().endsWith('valid') && !out.trim().endsWith('invalid');
  };

  function assertBoardRuns(system: string, generation: number): void {
    assert.equal(b.readlink(b.paths.profile), `system-${String(generation)}-link`);
    assert.equal(b.readlink(`${b.paths.profile}-${String(generation)}-link`), system);
    assert.equal(b.readlink('/run/current-system'), system);
    assert.equal(defaultEntry(menu())?.init?.systemPath, system);
  }

  it('a login without sudo rights is refused before anything is copied, naming passwordless sudo or root', async () => {
    const report = await deployToDevice({ node: 'board', link: b.linkAs('plain-board'), systemPath: systems.one, paths: b.paths, nixEnv: nixTestEnv(), confirmTimeoutS: CONFIRM_TIMEOUT_S }, reporter());
    assert.equal(report.outcome.kind, 'failed-before-activation', JSON.stringify(report.outcome));
    if (report.outcome.kind !== 'failed-before-activation') return;
    assert.equal(report.outcome.code, 'ELEVATION_FAILED', report.outcome.message);
    assert.match(report.outcome.message, new RegExp(`\\b${PLAIN_USER}\\b`), 'names the user');
    assert.match(report.outcome.message, /passwordless sudo/i, 'names the fix');
    assert.match(report.outcome.message, /as root|sshUser = "root"/, 'names the alternative');
    assert.equal(report.copied, undefined);
    assert.equal(inBoardStore(systems.one), false, 'nothing was copied');
    assert.equal(existsSync(join(b.board.nixRoot, 'var/nix/profiles/system')), false, 'no profile was made');
  });

  it('deploys generation 1 then 2 with magic rollback confirmed; the store paths are root-owned and registered', async () => {
    const first = await deploy(systems.one);
    assert.equal(first.outcome.kind, 'confirmed', JSON.stringify(first.outcome));
    assert.ok((first.copied?.paths ?? 0) >= 3, 'the closure was copied');
    assertBoardRuns(systems.one, 1);
    assert.deepEqual(menu().entries.map((e) => e.label), ['nixos-default', 'nixos-1']);

    const second = await deploy(systems.two);
    assert.equal(second.outcome.kind, 'confirmed', JSON.stringify(second.outcome));
    assert.equal(second.outcome.kind === 'confirmed' ? second.outcome.generation : undefined, 2);
    assert.equal(second.copied?.paths, 1, 'only the new system path was missing');
    assertBoardRuns(systems.two, 2);
    assert.deepEqual(menu().entries.map((e) => e.label), ['nixos-default', 'nixos-2', 'nixos-1']);

    for (const system of [systems.one, systems.two]) {
      assert.equal(statSync(join(b.board.nixRoot, system.replace(/^\/nix\//, ''))).uid, 0, `${system} is owned by root`);
      assert.ok(validOnBoard(system), `${system} is registered in the board's Nix database`);
    }
    // The board's own record of the deploy was written by root (the activation ran through sudo).
    const state = join(b.board.nixRoot, 'var/nixos-devices/deploys', second.deployId, 'outcome');
    assert.equal(statSync(state).uid, 0);
    assert.equal(statSync(join(b.board.nixRoot, 'var/nix/profiles/system-2-link')).uid, 0);
  });

  it('a configuration that takes the link down is still rolled back as root', async () => {
    const report = await deploy(systems.broken);
    assert.equal(report.outcome.kind, 'rolled-back', JSON.stringify(report.outcome));
    assert.equal(report.outcome.kind === 'rolled-back' ? report.outcome.reason : '', 'timeout');
    assertBoardRuns(systems.two, 2);
    assert.equal(existsSync(join(b.board.nixRoot, 'var/nix/profiles/system-3-link')), false, 'the failed generation is deleted');
    assert.ok(!menu().entries.some((e) => e.init?.systemPath === systems.broken), 'the menu lost the failed entry');
  });

  it('generation actions run as root through sudo for the non-root login', async () => {
    const connection = await b.link.connection();
    assert.equal(connection.host.user, SUDO_USER);
    const elevation = await prepareElevation(connection);
    assert.equal(elevation.mode, 'nopasswd');
    const viaAsRoot: GenerationActionContext = { connection, commands: { exec: (argv) => connection.exec(asRoot(connection, argv)) }, paths: b.paths };

    const staged = await setBootGeneration(viaAsRoot, 1);
    assert.equal(staged.profileGeneration, 1);
    assert.equal(b.readlink(b.paths.profile), 'system-1-link');
    assert.equal(defaultEntry(menu())?.init?.systemPath, systems.one, 'the menu boots generation 1');
    assert.equal(b.readlink('/run/current-system'), systems.two, 'the running system is unchanged');

    // The Elevation from prepareElevation is a BoardCommands too.
    await setBootGeneration({ connection, commands: elevation, paths: b.paths }, 2);
    assertBoardRuns(systems.two, 2);

    const rolled = await rollbackGeneration(viaAsRoot);
    assert.equal(rolled.profileGeneration, 1);
    assertBoardRuns(systems.one, 1);
  });

  it('the CLI rollback reaches the node as its non-root sshUser and switches as root', async () => {
    const flakeDir = join(temp.path, 'flake');
    mkdirSync(flakeDir);
    cpSync(join(__dirname, '../../../examples/sim'), join(flakeDir, 'sim'), { recursive: true });
    writeFileSync(
      join(flakeDir, 'flake.nix'),
      `{
  outputs = { self }:
    let
      sim = import ./sim { buildSystem = "x86_64-linux"; };
      system = (sim.nixosSystem {
        hostName = "board"; hostSystem = "x86_64-linux"; generation = "9"; kernelParams = [ ];
        nonce = ${nixString(nonce)}; simEnv = ${nixString(`NIXOS_DEVICES_SIM_BOOT=${SIM_BOOT_DIR}`)};
      }).config.system.build.toplevel;
    in {
      deploy.nodes.board = { hostname = "board"; sshUser = ${nixString(SUDO_USER)}; sshOpts = [ "-F" ${nixString(b.sshConfig)} ]; profiles.system = { user = "root"; path = system; }; };
      deploy.nodes.plain = { hostname = "plain-board"; sshUser = ${nixString(PLAIN_USER)}; sshOpts = [ "-F" ${nixString(b.sshConfig)} ]; profiles.system = { user = "root"; path = system; }; };
    };
}
`,
    );
    const cli = async (args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      stdout.on('data', (c: Buffer) => out.push(c));
      stderr.on('data', (c: Buffer) => err.push(c));
      const status = await rollbackCommand(args, { stdout, stderr, cwd: flakeDir, env: { ...process.env, ...nixTestEnv() } }, new AbortController().signal);
      return { status, stdout: Buffer.concat(out).toString('utf-8'), stderr: Buffer.concat(err).toString('utf-8') };
    };

    const result = await cli(['board', '--to', '2', '--extlinux-conf', b.paths.extlinuxConf]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /now on generation 2/);
    assertBoardRuns(systems.two, 2);

    await assert.rejects(cli(['plain', '--to', '1', '--extlinux-conf', b.paths.extlinuxConf]), (error: unknown) => {
      assert.match(String((error as Error).message), /sudo/);
      return true;
    });
    assertBoardRuns(systems.two, 2);
  });
});

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { humilityCommand } from '../../../src/cli/humility';
import type { CliCommand } from '../../../src/cli/main';
import { portsCommand } from '../../../src/cli/ports';
import { installHumilityOnBoard, startHumility } from '../../../src/core/humility';
import { NixCli } from '../../../src/core/nix';
import { SshPool, type SshConnection } from '../../../src/core/remote';
import { nixTestEnv } from '../../harness/nix';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { buildPortTree } from '../ports/port-tree';

const STAND_IN = join(__dirname, '../../fixtures/humility/humility-stand-in.sh');
const PACKAGE = 'humility-cross-x86_64-linux';

/** A flake whose humility package is the stand-in (built by real Nix) and whose deploy node is the board. */
function writeFlake(dir: string, sshConfig: string): void {
  mkdirSync(dir);
  copyFileSync(STAND_IN, join(dir, 'humility-stand-in.sh'));
  writeFileSync(
    join(dir, 'flake.nix'),
    `{
  outputs = { self }:
    let
      humility = derivation {
        name = "${PACKAGE}"; system = "x86_64-linux"; builder = "/bin/sh"; PATH = "/bin:/usr/bin";
        args = [ "-c" "mkdir -p $out/bin && cp \${./humility-stand-in.sh} $out/bin/humility && chmod 755 $out/bin/humility" ];
      };
    in {
      packages.x86_64-linux.${PACKAGE} = humility;
      deploy.nodes.board = { hostname = "board"; sshUser = "root"; sshOpts = [ "-F" "${sshConfig}" ]; profiles.system = { user = "root"; path = humility; }; };
    };
}
`,
  );
}

async function cli(command: CliCommand, args: readonly string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const status = await command(args, { stdout, stderr, cwd, env: { ...process.env, ...nixTestEnv() } }, new AbortController().signal);
  return { status, stdout: out, stderr: err };
}

describe('ports and humility through a deploy node of a flake (--via), humility from the flake', () => {
  const temp = makeTempDir('humility-flake');
  const flakeDir = join(temp.path, 'flake');
  let board: SshDevice;
  let pool: SshPool;
  let connection: SshConnection;

  before(async () => {
    board = await startSshDevice({ name: 'humflake', network: 'loopback', withNixStore: true });
    const knownHosts = join(temp.path, 'known_hosts');
    const sshConfig = join(temp.path, 'ssh_config');
    writeFileSync(knownHosts, `${board.knownHostsLine()}\n`);
    writeFileSync(sshConfig, ['Host board', `  HostName ${board.host}`, `  Port ${String(board.port)}`, '  User root', `  IdentityFile ${board.clientKey}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes', ''].join('\n'));
    writeFlake(flakeDir, sshConfig);
    pool = new SshPool({ resolve: { configFile: sshConfig, local: { home: temp.path, localUser: 'root', authSock: undefined } }, readyTimeoutMs: 5000 });
    connection = await pool.connection({ host: 'board' });
  });
  after(async () => {
    await pool.close();
    await board.stop();
    temp.remove();
  });

  it('ports --via lists the ports the board sees', async () => {
    const tree = buildPortTree(join(temp.path, 'tree'));
    const { status, stdout, stderr } = await cli(portsCommand, ['--via', 'board', '--json', '--dev-root', tree.devRoot, '--sys-root', tree.sysRoot], flakeDir);
    assert.equal(status, 0, stderr);
    const listing = JSON.parse(stdout) as { origin: string; ports: { usb?: { id: string } }[]; probes: unknown[] };
    assert.match(listing.origin, /^root@board/);
    assert.deepEqual(listing.ports.map((p) => p.usb?.id), ['0483:374b', '0403:6001']);
    assert.equal(listing.probes.length, 3);
  });

  it('humility --via runs on the board with the probe and arguments given', async () => {
    const { status, stdout, stderr } = await cli(humilityCommand, ['--via', 'board', '--command', STAND_IN, '--probe', 'usb-1', '--', 'probe'], flakeDir);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /probe serial => /);
  });

  it("builds the flake's humility package, copies it to the board's store and runs it from there", async () => {
    const nix = new NixCli({ env: nixTestEnv() });
    const program = await installHumilityOnBoard(nix, connection, { flakeDir, attrPath: `packages.x86_64-linux.${PACKAGE}`, nixEnv: nixTestEnv() });
    assert.match(program, new RegExp(`^/nix/store/[a-z0-9]{32}-${PACKAGE}/bin/humility$`));
    assert.equal(board.runOnBoard(['sh', '-c', `test -x '${program}' && echo yes`]).trim(), 'yes');
    const running = await startHumility({ settings: { command: program }, args: ['probe'], connection });
    let stdout = '';
    running.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    running.stderr.resume();
    const exit = await running.exit;
    assert.equal(exit.exitCode, 0);
    assert.match(stdout, /attached via ST-Link/);
    // A second install is idempotent: same path, nothing to copy.
    assert.equal(await installHumilityOnBoard(nix, connection, { flakeDir, attrPath: `packages.x86_64-linux.${PACKAGE}`, nixEnv: nixTestEnv() }), program);
  });
});

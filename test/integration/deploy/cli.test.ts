import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { deployCommand } from '../../../src/cli/deploy';
import { generationsCommand } from '../../../src/cli/generations';
import type { CliCommand } from '../../../src/cli/main';
import { rollbackCommand } from '../../../src/cli/rollback';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { SIM_BOOT_DIR, newNonce, startDeployBoard, type DeployBoard } from './deploy-fixture';

/** A Nix string literal for any text without `${` (escapes `\`, `"` and newlines). */
function nixString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

describe('CLI deploy, generations and rollback in a flake folder, with hostile node and host names', () => {
  const temp = makeTempDir('deploy-cli');
  const flakeDir = join(temp.path, 'flake');
  const markers = join(temp.path, 'markers');
  const hostileNode = `$(touch ${markers}/node) "double" 'single' with spaces\nand a newline`;
  const hostileHostNode = `host-$(touch ${markers}/hostnode)`;
  const hostileHost = `$(touch ${markers}/host) 'q' "d"`;
  let b: DeployBoard;

  before(async () => {
    mkdirSync(markers);
    b = await startDeployBoard(temp.path, { name: 'cli' });
    mkdirSync(flakeDir);
    cpSync(join(__dirname, '../../../examples/sim'), join(flakeDir, 'sim'), { recursive: true });
    const simEnv = `NIXOS_DEVICES_SIM_BOOT=${SIM_BOOT_DIR}`;
    const node = (hostname: string): string =>
      `{ hostname = ${nixString(hostname)}; sshUser = "root"; sshOpts = [ "-F" ${nixString(b.sshConfig)} ]; magicRollback = true; confirmTimeout = 3; activationTimeout = 20; profiles.system = { user = "root"; path = system; }; }`;
    writeFileSync(
      join(flakeDir, 'flake.nix'),
      `{
  outputs = { self }:
    let
      sim = import ./sim { buildSystem = "x86_64-linux"; };
      generation = builtins.replaceStrings [ "\\n" ] [ "" ] (builtins.readFile ./generation);
      links = builtins.replaceStrings [ "\\n" ] [ "" ] (builtins.readFile ./links);
      system = (sim.nixosSystem {
        hostName = "board"; hostSystem = "x86_64-linux"; inherit generation; kernelParams = [ ];
        nonce = "${newNonce()}";
        simEnv = ${nixString(simEnv)} + (if links == "down" then "\\nNIXOS_DEVICES_SIM_LINKS=down" else "");
      }).config.system.build.toplevel;
    in {
      deploy.nodes.${nixString(hostileNode)} = ${node('board')};
      deploy.nodes.${nixString(hostileHostNode)} = ${node(hostileHost)};
    };
}
`,
    );
  });
  after(async () => {
    await b.close();
    temp.remove();
  });

  async function cli(command: CliCommand, args: readonly string[], state: { generation: string; links?: string }): Promise<{ status: number; stdout: string; stderr: string }> {
    writeFileSync(join(flakeDir, 'generation'), state.generation);
    writeFileSync(join(flakeDir, 'links'), state.links ?? 'up');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => err.push(c));
    const status = await command(args, { stdout, stderr, cwd: flakeDir, env: { ...process.env, ...nixTestEnv() } }, new AbortController().signal);
    return { status, stdout: Buffer.concat(out).toString('utf-8'), stderr: Buffer.concat(err).toString('utf-8') };
  }

  it('deploys generations 1 and 2 to the node named with quotes, $(…), spaces and a newline', async () => {
    for (const generation of ['1', '2']) {
      const result = await cli(deployCommand, [hostileNode, '--json', '--extlinux-conf', b.paths.extlinuxConf], { generation });
      assert.equal(result.status, 0, result.stderr + result.stdout);
      const parsed = JSON.parse(result.stdout) as { devices: { node: string; outcome: { kind: string; generation?: number } }[] };
      assert.equal(parsed.devices[0]?.node, hostileNode, 'the name round-trips byte for byte');
      assert.deepEqual(parsed.devices[0]?.outcome.kind, 'confirmed');
      assert.equal(parsed.devices[0]?.outcome.generation, Number(generation));
    }
    assert.equal(b.readlink(b.paths.profile), 'system-2-link');
  });

  it('lists generations and the boot menu as JSON', async () => {
    const result = await cli(generationsCommand, [`.#${hostileNode}`, '--json', '--extlinux-conf', b.paths.extlinuxConf], { generation: '2' });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const parsed = JSON.parse(result.stdout) as { device: string; generations: { number: number; isCurrent: boolean }[]; bootMenu: { label: string; generation?: number }[] };
    assert.equal(parsed.device, hostileNode);
    assert.deepEqual(parsed.generations.map((g) => [g.number, g.isCurrent]), [[1, false], [2, true]]);
    assert.deepEqual(parsed.bootMenu.map((r) => [r.label, r.generation]), [['nixos-default', 2], ['nixos-2', 2], ['nixos-1', 1]]);
  });

  it('exits non-zero when the board rolls back a configuration that takes its network down', async () => {
    const result = await cli(deployCommand, [hostileNode, '--extlinux-conf', b.paths.extlinuxConf], { generation: '3', links: 'down' });
    assert.notEqual(result.status, 0);
    assert.match(result.stdout, /ROLLED BACK to generation 2/);
    assert.equal(b.readlink(b.paths.profile), 'system-2-link');
  });

  it('rolls back to generation 1 with rollback --to', async () => {
    const result = await cli(rollbackCommand, [hostileNode, '--to', '1', '--extlinux-conf', b.paths.extlinuxConf], { generation: '2' });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /now on generation 1/);
    assert.equal(b.readlink(b.paths.profile), 'system-1-link');
  });

  it('a hostile hostname runs nothing and fails before activation', async () => {
    const result = await cli(deployCommand, [hostileHostNode, '--json'], { generation: '4' });
    assert.notEqual(result.status, 0);
    const parsed = JSON.parse(result.stdout) as { devices: { node: string; outcome: { kind: string } }[] };
    assert.equal(parsed.devices[0]?.node, hostileHostNode);
    assert.equal(parsed.devices[0]?.outcome.kind, 'failed-before-activation');
    for (const marker of ['node', 'hostnode', 'host']) assert.equal(existsSync(join(markers, marker)), false, `${marker}: nothing ran`);
    assert.equal(b.readlink(b.paths.profile), 'system-1-link');
  });
});

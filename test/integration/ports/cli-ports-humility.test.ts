import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { humilityCommand } from '../../../src/cli/humility';
import type { CliCommand } from '../../../src/cli/main';
import { portsCommand } from '../../../src/cli/ports';
import { makeTempDir } from '../../harness/temp-dir';
import { buildPortTree } from './port-tree';

const STAND_IN = join(__dirname, '../../fixtures/humility/humility-stand-in.sh');

async function cli(command: CliCommand, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const status = await command(args, { stdout, stderr, cwd: process.cwd(), env }, new AbortController().signal);
  return { status, stdout: out, stderr: err };
}

describe('nixos-devices ports and humility', () => {
  const temp = makeTempDir('cli-ports');
  after(() => temp.remove());
  const tree = buildPortTree(temp.path);

  it('ports --json prints the listing of a tree', async () => {
    const { status, stdout } = await cli(portsCommand, ['--json', '--dev-root', tree.devRoot, '--sys-root', tree.sysRoot]);
    assert.equal(status, 0);
    const listing = JSON.parse(stdout) as { ports: { path: string }[]; probes: { humilityIndex: number }[]; origin: string };
    assert.equal(listing.origin, 'local');
    assert.deepEqual(listing.ports.map((p) => p.path.slice(tree.devRoot.length)), ['/ttyACM0', '/ttyUSB0']);
    assert.deepEqual(listing.probes.map((p) => p.humilityIndex), [2, 1, 0]);
  });

  it('ports prints ports with roles and probes with their humility index', async () => {
    const { status, stdout } = await cli(portsCommand, ['--dev-root', tree.devRoot, '--sys-root', tree.sysRoot]);
    assert.equal(status, 0);
    assert.match(stdout, /^note: SerialPort\.list\(\) failed/);
    assert.match(stdout, /ttyACM0 \[console, probe\] {2}ST-Link V2-1, 0483:374b/);
    assert.match(stdout, /usb-0 {2}ST-Link V2 0483:3748, serial 55FF6E064965545132451087, port 1-2/);
  });

  it('ports rejects an unknown option with status 2', async () => {
    await assert.rejects(cli(portsCommand, ['--bogus']), /unknown option --bogus/);
  });

  it('humility passes arguments after -- and the probe through, with humility\'s exit status', async () => {
    const markers = join(temp.path, 'markers');
    mkdirSync(markers);
    const env = { ...process.env, NIXOS_DEVICES_HUMILITY: STAND_IN };
    const ok = await cli(humilityCommand, ['--probe', '0483:374b:066DFF', '--', 'probe', `$(touch ${markers}/x)`], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /probe serial => 066DFF383032534E43132614/);
    assert.equal(readdirSync(markers).length, 0);
  });

  it('humility says where humility comes from when it is missing', async () => {
    const { status, stderr } = await cli(humilityCommand, ['--command', join(temp.path, 'nope'), '--', 'probe']);
    assert.equal(status, 1);
    assert.match(stderr, /nixos-devices: humility \(.*nope\) is not installed on this machine/);
  });

  it('humility refuses a malformed probe', async () => {
    await assert.rejects(cli(humilityCommand, ['--probe', 'stlink please', '--', 'probe']), /is not usb, usb-N, vid:pid or vid:pid:serial/);
  });
});

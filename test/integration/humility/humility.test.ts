import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findUsbHolders, startHumility, type HumilityExit, type HumilityRequest } from '../../../src/core/humility';
import { connectSsh, type SshConnection } from '../../../src/core/remote';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { resolveBoard, writeClientFiles } from '../remote/remote-fixture';

const STAND_IN = join(__dirname, '../../fixtures/humility/humility-stand-in.sh');

function hostileArgs(markers: string): string[] {
  return ['tasks', '-sl', `$(touch ${markers}/dollar)`, `\`touch ${markers}/tick\``, "it's", '"dq"', 'two  spaces', 'line1\nline2', '', '--', '-p', '*', '~', '$HOME', `; touch ${markers}/semi`];
}

/** The stand-in's NUL-separated record: the HUMILITY_* variables, argc, then each argument. */
function readRecord(file: string): { env: Record<string, string>; args: string[] } {
  const fields = readFileSync(file, 'utf-8').split('\0').slice(0, -1);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < fields.length; i++) {
    const field = fields[i] ?? '';
    if (field.startsWith('argc=')) break;
    const eq = field.indexOf('=');
    env[field.slice(0, eq)] = field.slice(eq + 1);
  }
  const argc = Number((fields[i] ?? '').slice(5));
  const args = fields.slice(i + 1);
  assert.equal(args.length, argc);
  return { env, args };
}

async function collect(request: HumilityRequest): Promise<{ stdout: string; stderr: string; exit: HumilityExit }> {
  const running = await startHumility(request);
  running.stdin?.end();
  let stdout = '';
  let stderr = '';
  running.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  running.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = await running.exit;
  return { stdout, stderr, exit };
}

const HOSTILE_SETTINGS = (dir: string) => ({
  probe: '0483:374b:066DFF383032534E43132614',
  environment: join(dir, "env file 'x' $(y).json"),
  target: 'nucleo "f411" $(touch /tmp/nd-never)',
});

describe('humility here, through the stand-in', () => {
  const temp = makeTempDir('humility-local');
  after(() => temp.remove());

  it('passes HUMILITY_* and hostile arguments byte for byte and streams the output', async () => {
    const markers = join(temp.path, 'markers');
    mkdirSync(markers);
    const record = join(temp.path, 'record');
    const archive = join(temp.path, 'build a.zip');
    writeFileSync(archive, 'zip');
    const args = hostileArgs(markers);
    process.env['HUMILITY_STAND_IN_RECORD'] = record;
    try {
      const { stdout, exit } = await collect({ settings: { ...HOSTILE_SETTINGS(temp.path), archive, command: STAND_IN }, args });
      assert.equal(exit.exitCode, 0);
      assert.equal(exit.error, undefined);
      assert.match(stdout, /ID TASK +GEN PRI STATE/);
    } finally {
      delete process.env['HUMILITY_STAND_IN_RECORD'];
    }
    const got = readRecord(record);
    assert.deepEqual(got.env, { HUMILITY_ARCHIVE: archive, HUMILITY_PROBE: '0483:374b:066DFF383032534E43132614', HUMILITY_ENVIRONMENT: HOSTILE_SETTINGS(temp.path).environment, HUMILITY_TARGET: HOSTILE_SETTINGS(temp.path).target });
    assert.deepEqual(got.args, args);
    assert.deepEqual(readdirSync(markers), []);
  });

  it('says where humility comes from when it is not installed', async () => {
    const { exit } = await collect({ settings: { command: join(temp.path, 'no-humility') }, args: ['probe'], packages: [{ system: 'x86_64-linux', name: 'humility', attrPath: 'packages.x86_64-linux.humility', isCross: false, hostSystem: 'x86_64-linux' }], system: 'x86_64-linux' });
    assert.equal(exit.error?.code, 'NOT_FOUND');
    assert.match(exit.error?.message ?? '', /is not installed on this machine\. It comes from the flake's humility package/);
    assert.equal(exit.error?.actions[0]?.command, 'nixosDevices.buildHumility');
  });

  it("translates humility's permission failure and keeps its exit status", async () => {
    process.env['HUMILITY_STAND_IN_FAIL'] = 'permission';
    try {
      const { stderr, exit } = await collect({ settings: { command: STAND_IN, probe: '0483:3748:55FF' }, args: ['probe'], probes: [{ usb: { id: '0483:3748', serialNumber: '55FF' }, label: 'ST-Link V2', humilityIndex: 0 }] });
      assert.equal(exit.exitCode, 1);
      assert.match(stderr, /^humility probe failed: Could not find probe 0483:3748:55FF\./);
      assert.equal(exit.error?.code, 'PERMISSION_DENIED');
      assert.match(exit.error?.message ?? '', /ATTR\{idVendor\}=="0483", ATTR\{idProduct\}=="3748"/);
    } finally {
      delete process.env['HUMILITY_STAND_IN_FAIL'];
    }
  });

  it('finds the process that holds a device open (the "USB link in use" diagnosis)', async () => {
    const device = join(temp.path, 'fake-usb-node');
    writeFileSync(device, '');
    const holder = spawn(STAND_IN, ['probe'], { env: { ...process.env, HUMILITY_STAND_IN_HOLD: device }, stdio: 'ignore' });
    try {
      let holders: Awaited<ReturnType<typeof findUsbHolders>> = [];
      for (let i = 0; i < 50 && holders.length === 0; i++) {
        holders = await findUsbHolders(device);
        if (holders.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(holders.some((h) => h.pid === holder.pid || h.command.includes('sleep')), JSON.stringify(holders));
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
  });
});

describe('humility on a board over SSH, through the stand-in', () => {
  const temp = makeTempDir('humility-board');
  let board: SshDevice;
  let connection: SshConnection;

  before(async () => {
    board = await startSshDevice({ name: 'humility', network: 'loopback' });
    const files = writeClientFiles(temp.path, board);
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine()}\n`);
    connection = await connectSsh(await resolveBoard(files));
  });
  after(async () => {
    connection.close();
    await board.stop();
    temp.remove();
  });

  it('uploads the archive once and runs with HUMILITY_* and hostile arguments intact', async () => {
    const markers = join(temp.path, 'markers');
    mkdirSync(markers);
    const archive = join(temp.path, 'build.zip');
    writeFileSync(archive, 'PK fake hubris archive');
    const remoteArchiveDir = join(temp.path, 'board-cache');
    const record = join(temp.path, 'record');
    const args = hostileArgs(markers);
    const uploads: boolean[] = [];
    const run = (): Promise<{ stdout: string; exit: HumilityExit }> =>
      collect({
        settings: { ...HOSTILE_SETTINGS(temp.path), archive, command: STAND_IN },
        // The stand-in records where the board ran it; the variable rides along as an argument of env.
        args,
        connection,
        remoteArchiveDir,
        onArchive: (u) => uploads.push(u.uploaded),
      });
    // The record file is named through HUMILITY_STAND_IN_RECORD on the board: pass it via a wrapper.
    const wrapper = join(temp.path, 'humility wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\nHUMILITY_STAND_IN_RECORD='${record}' exec '${STAND_IN}' "$@"\n`, { mode: 0o755 });
    const first = await collect({ settings: { ...HOSTILE_SETTINGS(temp.path), archive, command: wrapper }, args, connection, remoteArchiveDir, onArchive: (u) => uploads.push(u.uploaded) });
    assert.equal(first.exit.exitCode, 0, JSON.stringify(first));
    assert.match(first.stdout, /ID TASK/);
    const second = await run();
    assert.equal(second.exit.exitCode, 0);
    assert.deepEqual(uploads, [true, false]);
    const sha = readdirSync(remoteArchiveDir);
    assert.equal(sha.length, 1);
    assert.match(sha[0] ?? '', /^[0-9a-f]{64}\.zip$/);
    const got = readRecord(record);
    assert.equal(got.env['HUMILITY_ARCHIVE'], join(remoteArchiveDir, sha[0] ?? ''));
    assert.equal(got.env['HUMILITY_TARGET'], HOSTILE_SETTINGS(temp.path).target);
    assert.equal(got.env['HUMILITY_ENVIRONMENT'], HOSTILE_SETTINGS(temp.path).environment);
    assert.equal(got.env['HUMILITY_PROBE'], '0483:374b:066DFF383032534E43132614');
    assert.deepEqual(got.args, args);
    assert.deepEqual(readdirSync(markers), []);
    assert.equal(existsSync('/tmp/nd-never'), false);
  });

  it('says where humility comes from when the board has none (exit 127)', async () => {
    const { exit } = await collect({ settings: { command: 'humility-not-on-this-board' }, args: ['tasks'], connection, packages: [{ system: 'x86_64-linux', name: 'humility-cross-armv7l-linux', attrPath: 'packages.x86_64-linux.humility-cross-armv7l-linux', isCross: true, hostSystem: 'armv7l-linux' }], system: 'armv7l-linux' });
    assert.equal(exit.exitCode, 127);
    assert.equal(exit.error?.code, 'NOT_FOUND');
    assert.match(exit.error?.message ?? '', /humility-cross-armv7l-linux/);
    assert.match(exit.error?.message ?? "", /not installed on root@board/);
  });

  it('translates "USB link in use" from the board', async () => {
    const wrapper = join(temp.path, 'busy.sh');
    writeFileSync(wrapper, `#!/bin/sh\nHUMILITY_STAND_IN_FAIL=busy exec '${STAND_IN}' "$@"\n`, { mode: 0o755 });
    const { stderr, exit } = await collect({ settings: { command: wrapper }, args: ['tasks'], connection });
    assert.match(stderr, /humility tasks failed: USB link in use; is OpenOCD or another debugger running\?/);
    assert.equal(exit.exitCode, 1);
    assert.equal(exit.error?.code, 'PORT_IN_USE');
  });
});

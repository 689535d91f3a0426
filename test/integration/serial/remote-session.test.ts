/**
 * A serial port on a board over SSH: the test board (test/harness/ssh-device.ts, a real sshd in
 * its own mount namespace that shares /tmp and /dev/pts with this machine) reaches a socat pty
 * pair made here. One exec channel runs stty then relays (remote-transport.ts); the settings are
 * read back with stty on this side of the same pty.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { connectSsh, type SshConnection } from '../../../src/core/remote';
import { DEFAULT_SERIAL_OPTIONS, defaultSystemView, findHolders, SerialSession } from '../../../src/core/serial';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { resolveBoard, writeClientFiles } from '../remote/remote-fixture';
import { nextState, readStty, Received } from './serial-fixture';
import { startSocatPair, type SocatPair } from './socat-pair';

async function readExactly(file: FileHandle, n: number): Promise<Buffer> {
  const out = Buffer.alloc(n);
  let at = 0;
  while (at < n) at += (await file.read(out, at, n - at)).bytesRead;
  return out;
}

describe('serial session on a port of a board over SSH', () => {
  const dir = makeTempDir('serial-remote');
  let board: SshDevice;
  let connection: SshConnection;
  let pair: SocatPair;
  before(async () => {
    board = await startSshDevice({ name: 'serial', network: 'loopback' });
    connection = await connectSsh(await resolveBoard(writeClientFiles(dir.path, board, { strict: 'no' })));
    pair = await startSocatPair(dir.path);
  });
  after(async () => {
    connection.close();
    await pair.stop();
    await board.stop();
    dir.remove();
  });

  const session = (serial = DEFAULT_SERIAL_OPTIONS): SerialSession =>
    new SerialSession({ kind: 'remote', path: pair.a, deviceName: 'board', connection: () => Promise.resolve(connection) }, { serial, retryMs: 200 });

  it('sets the line with stty, relays both ways, binary and 1 MiB intact', { timeout: 60_000 }, async () => {
    const s = session({ ...DEFAULT_SERIAL_OPTIONS, baudRate: 9600, stopBits: 2, flowControl: 'rtscts', parity: 'odd' });
    const received = new Received(s);
    await s.open();
    const end = await openFile(pair.b, 'r+');
    try {
      assert.equal(s.title, `${pair.a} on board 9600 8O2 RTS/CTS`);
      let tty = readStty(pair.a);
      assert.equal(tty.speed, 9600);
      for (const flag of ['cstopb', 'crtscts', 'parodd', '-ixon', '-icanon', '-echo', 'clocal', '-hupcl']) assert.ok(tty.flags.has(flag), flag);
      await s.setOptions({ baudRate: 1500000, stopBits: 1, flowControl: 'xonxoff', parity: 'space' });
      tty = readStty(pair.a);
      assert.equal(tty.speed, 1500000);
      for (const flag of ['-cstopb', '-crtscts', 'ixon', 'ixoff', '-parodd', 'cmspar']) assert.ok(tty.flags.has(flag), `${flag} after a runtime change`);
      await s.setOptions({ flowControl: 'none', parity: 'none' });

      const toBoard = Buffer.concat([Buffer.from('printenv\r\0\xff\n', 'latin1'), randomBytes(1024 * 1024)]);
      const readBack = readExactly(end, toBoard.length);
      await s.write(toBoard);
      assert.equal(createHash('sha256').update(await readBack).digest('hex'), createHash('sha256').update(toBoard).digest('hex'));
      const fromBoard = Buffer.concat([Buffer.from('U-Boot\r\n\0\xff', 'latin1'), randomBytes(1024 * 1024)]);
      await end.write(fromBoard);
      await received.waitFor(fromBoard.length, 30_000);
      assert.ok(received.bytes.equals(fromBoard));
    } finally {
      await end.close();
      await s.close();
    }
    // Closing ends the relay on the board: only socat still has the pty open.
    const { holders } = await findHolders(pair.a, defaultSystemView());
    assert.deepEqual(holders.map((h) => h.command.split(' ')[0]), ['socat']);
  });

  it('offers only what stty can do: a hang-up pulse, not DTR/RTS alone or a break', async () => {
    const s = session();
    await s.open();
    try {
      assert.deepEqual(s.capabilities, { setSignals: false, pulse: 'both', sendBreak: false, changeBaudLive: true });
      await assert.rejects(s.setSignals({ dtr: false }), /only what stty can do/);
      await assert.rejects(s.pulse('dtr'), /stty can only hang up/);
      await assert.rejects(s.sendBreak(), /stty has no break/);
      const pulse = s.pulse('both', 600);
      // The hang-up is speed 0 (DTR and RTS down on a UART); a pty keeps the speed we can read.
      let sawHangUp = false;
      for (let i = 0; i < 100 && !sawHangUp; i++) {
        sawHangUp = readStty(pair.a).speed === 0;
        if (!sawHangUp) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await pulse;
      assert.ok(sawHangUp, 'the line was hung up (speed 0) during the pulse');
      assert.equal(readStty(pair.a).speed, 115200, 'the baud is back after the hang-up');
    } finally {
      await s.close();
    }
  });

  it('waits through unplug and re-attaches on the board', { timeout: 60_000 }, async () => {
    const s = session();
    const received = new Received(s);
    await s.open();
    try {
      const waiting = nextState(s, 'waiting');
      await pair.unplug();
      await waiting;
      const reattached = nextState(s, 'reattached');
      await pair.replug();
      const state = await reattached;
      assert.equal(state.kind === 'reattached' ? state.description : '', `${pair.a} on ${connection.target}`);
      const end = await openFile(pair.b, 'r+');
      try {
        await end.write('back\n');
        await received.waitFor(5);
        assert.equal(received.bytes.toString(), 'back\n');
      } finally {
        await end.close();
      }
    } finally {
      await s.close();
    }
  });

  it('says why a port on the board cannot be opened', async () => {
    const s = new SerialSession({ kind: 'remote', path: `${dir.path}/ttyMissing`, deviceName: 'board', connection: () => Promise.resolve(connection) });
    await assert.rejects(s.open(), /Could not open|stty could not set .*ttyMissing/);
  });
});

/**
 * SerialSession on a real pty pair (socat): the session holds ttyA, the test plays the board on
 * ttyB. A pty honours baud (stored), parodd, cmspar, cstopb, crtscts, ixon/ixoff; its driver
 * forces cs8 and clears parenb (drivers/tty/pty.c), so data bits and parity enable are checked
 * through the stand-in binding (unit) instead.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BAUD_RATE_PRESETS, DEFAULT_SERIAL_OPTIONS, SerialPortRegistry, SerialSession } from '../../../src/core/serial';
import { makeTempDir } from '../../harness/temp-dir';
import { nextState, readStty, readTermios2Speed, Received } from './serial-fixture';
import { startSocatPair, type SocatPair } from './socat-pair';

const BIG_BYTES = 100 * 1024 * 1024;

/** Reads `n` bytes from a path with `head -c` and returns their sha256. */
function hashFromPath(path: string, n: number): Promise<{ hash: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('head', ['-c', String(n), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const hash = createHash('sha256');
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    child.once('error', reject);
    child.once('exit', () => resolve({ hash: hash.digest('hex'), bytes }));
  });
}

describe('serial session on a socat pty pair', () => {
  const dir = makeTempDir('serial-local');
  let pair: SocatPair;
  before(async () => {
    pair = await startSocatPair(dir.path);
  });
  after(async () => {
    await pair.stop();
    dir.remove();
  });

  it('carries bytes both ways, unchanged', async () => {
    const session = new SerialSession({ kind: 'local', path: pair.a });
    const received = new Received(session);
    await session.open();
    try {
      const fd = openSync(pair.b, 'r+');
      try {
        const toHost = Buffer.from('U-Boot 2024.01\r\n\0\xff=> ', 'latin1');
        writeSync(fd, toHost);
        await received.waitFor(toHost.length);
        assert.deepEqual(received.bytes, toHost);
        const reader = hashFromPath(pair.b, 9);
        await session.write('printenv\r');
        const { bytes, hash } = await reader;
        assert.equal(bytes, 9);
        assert.equal(hash, createHash('sha256').update('printenv\r').digest('hex'));
      } finally {
        closeSync(fd);
      }
    } finally {
      await session.close();
    }
  });

  it('sets every setting a pty honours, at open and at runtime', async () => {
    const session = new SerialSession({ kind: 'local', path: pair.a }, { serial: { ...DEFAULT_SERIAL_OPTIONS, baudRate: 9600, stopBits: 2, flowControl: 'rtscts', parity: 'odd' } });
    await session.open();
    try {
      let tty = readStty(pair.a);
      assert.equal(tty.speed, 9600);
      for (const flag of ['cstopb', 'crtscts', '-ixon', '-ixoff', 'parodd', '-cmspar', '-icanon', '-echo', '-opost', '-hupcl']) assert.ok(tty.flags.has(flag), `${flag} at open`);
      // The pty driver's own rule, documented so a kernel change shows up here.
      assert.ok(tty.flags.has('cs8') && tty.flags.has('-parenb'));
      for (const baudRate of BAUD_RATE_PRESETS) {
        await session.setOptions({ baudRate });
        assert.equal(readStty(pair.a).speed, baudRate);
      }
      await session.setOptions({ baudRate: 250000 });
      assert.deepEqual(readTermios2Speed(pair.a), [250000, 250000]);
      await session.setOptions({ baudRate: 115200, stopBits: 1, flowControl: 'xonxoff', parity: 'mark' });
      tty = readStty(pair.a);
      for (const flag of ['-cstopb', '-crtscts', 'ixon', 'ixoff', 'parodd', 'cmspar']) assert.ok(tty.flags.has(flag), `${flag} after a runtime change`);
      assert.equal(tty.speed, 115200);
      await session.setOptions({ parity: 'space', flowControl: 'none' });
      tty = readStty(pair.a);
      for (const flag of ['-parodd', 'cmspar', '-ixon', '-crtscts']) assert.ok(tty.flags.has(flag), `${flag} for space parity`);
      await session.setOptions({ parity: 'none' });
      assert.ok(readStty(pair.a).flags.has('-cmspar'));
    } finally {
      await session.close();
    }
  });

  it('logs exactly the bytes received, random binary included', async () => {
    const logPath = join(dir.path, 'console.log');
    const session = new SerialSession({ kind: 'local', path: pair.a }, { log: { path: logPath } });
    const received = new Received(session);
    await session.open();
    const payload = Buffer.concat([Buffer.from('\r\n\0\xff\r\r\n\n', 'latin1'), randomBytes(256 * 1024), Buffer.from([0, 0xff, 0x0d, 0x0a])]);
    try {
      // Async writes: a writeSync would block the event loop that reads the other end.
      const board = await openFile(pair.b, 'r+');
      try {
        for (let at = 0; at < payload.length; at += 4096) await board.write(payload.subarray(at, at + 4096));
        await received.waitFor(payload.length);
      } finally {
        await board.close();
      }
    } finally {
      await session.close();
    }
    assert.ok(readFileSync(logPath).equals(payload), 'the log holds exactly the received bytes');
    assert.ok(received.bytes.equals(payload));
  });

  it('receives 100 MB at full speed with zero loss (sha256 compared), log included', { timeout: 120_000 }, async () => {
    const source = join(dir.path, 'big.bin');
    const block = randomBytes(1024 * 1024);
    const file = await openFile(source, 'w');
    for (let i = 0; i < BIG_BYTES / block.length; i++) await file.write(Buffer.concat([block.subarray(i), block.subarray(0, i)]));
    await file.close();
    const expected = createHash('sha256').update(readFileSync(source)).digest('hex');
    const logPath = join(dir.path, 'big.log');
    const session = new SerialSession({ kind: 'local', path: pair.a }, { serial: { ...DEFAULT_SERIAL_OPTIONS, baudRate: 1500000 }, log: { path: logPath } });
    const hash = createHash('sha256');
    let bytes = 0;
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    session.onData((chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
      if (bytes >= BIG_BYTES) done();
    });
    await session.open();
    const started = performance.now();
    try {
      const writer = spawn('dd', [`if=${source}`, `of=${pair.b}`, 'bs=64k', 'status=none'], { stdio: 'ignore' });
      const writerExit = new Promise<number | null>((resolve) => writer.once('exit', resolve));
      await all;
      const seconds = (performance.now() - started) / 1000;
      assert.equal(await writerExit, 0);
      console.log(`# serial receive: ${String(bytes)} bytes in ${seconds.toFixed(2)} s = ${(bytes / seconds / 1e6).toFixed(1)} MB/s`);
    } finally {
      await session.close();
    }
    assert.equal(bytes, BIG_BYTES);
    assert.equal(hash.digest('hex'), expected);
    assert.equal(createHash('sha256').update(readFileSync(logPath)).digest('hex'), expected, 'the log is byte-exact too');
  });

  it('sends 10 MB with zero loss', { timeout: 60_000 }, async () => {
    const payload = randomBytes(10 * 1024 * 1024);
    const session = new SerialSession({ kind: 'local', path: pair.a });
    await session.open();
    try {
      const reader = hashFromPath(pair.b, payload.length);
      for (let at = 0; at < payload.length; at += 256 * 1024) await session.write(payload.subarray(at, at + 256 * 1024));
      const { bytes, hash } = await reader;
      assert.equal(bytes, payload.length);
      assert.equal(hash, createHash('sha256').update(payload).digest('hex'));
    } finally {
      await session.close();
    }
  });

  it('stays open through unplug and replug (socat killed and restarted on the same link)', { timeout: 60_000 }, async () => {
    const session = new SerialSession({ kind: 'local', path: pair.a }, { retryMs: 100 });
    const received = new Received(session);
    await session.open();
    try {
      const waiting = nextState(session, 'waiting');
      await pair.unplug();
      const state = await waiting;
      assert.equal(state.kind === 'waiting' ? state.path : '', pair.a);
      await assert.rejects(session.write('x'), /waiting for/);
      const reattached = nextState(session, 'reattached');
      await pair.replug();
      await reattached;
      const fd = openSync(pair.b, 'r+');
      try {
        writeSync(fd, 'after replug\n');
        await received.waitFor(13);
        assert.equal(received.bytes.toString(), 'after replug\n');
        const reader = hashFromPath(pair.b, 5);
        await session.write('hello');
        assert.equal((await reader).bytes, 5);
      } finally {
        closeSync(fd);
      }
    } finally {
      await session.close();
    }
    assert.equal(session.state.kind, 'closed');
  });

  it('a port held by another program is reported with its pid and command line', async () => {
    // Its own process group: flock's child (sleep) shares the locked file and must end with it.
    const holder = spawn('flock', ['--exclusive', '--nonblock', pair.a, 'sleep', '60'], { stdio: 'ignore', detached: true });
    const holderExit = new Promise((resolve) => holder.once('exit', resolve));
    try {
      // flock has the lock once its child runs: wait until our open is refused.
      const session = (): SerialSession => new SerialSession({ kind: 'local', path: pair.a });
      let message = '';
      for (let i = 0; i < 100 && message === ''; i++) {
        const s = session();
        try {
          await s.open();
          await s.close();
          await new Promise((resolve) => setTimeout(resolve, 20));
        } catch (error) {
          message = error instanceof Error ? error.message : String(error);
        }
      }
      // socat keeps the slave open too (so the pty never reads EIO), and is listed with it.
      assert.match(message, new RegExp(`in use by .*pid ${String(holder.pid)} \\(flock --exclusive --nonblock ${pair.a} sleep 60\\)`));
      assert.match(message, /pid \d+ \(sleep 60\)/);
    } finally {
      if (holder.pid !== undefined) process.kill(-holder.pid, 'SIGKILL');
      await holderExit;
    }
  });

  it('a second session of ours on the same port names the first', async () => {
    const registry = new SerialPortRegistry();
    const first = new SerialSession({ kind: 'local', path: pair.a }, { registry, name: "the serial console 'ttyA'" });
    await first.open();
    try {
      await assert.rejects(new SerialSession({ kind: 'local', path: pair.a }, { registry }).open(), /already open in the serial console 'ttyA'/);
    } finally {
      await first.close();
    }
  });
});

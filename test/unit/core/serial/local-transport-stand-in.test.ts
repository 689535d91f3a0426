/**
 * DTR/RTS, break and open failures, which a pty cannot show, through the serialport binding
 * STAND-IN (stand-in-binding.ts), driven via SerialSession as the terminal UI drives it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_SERIAL_OPTIONS, SerialPortRegistry, SerialSession, type SessionEvent, type SystemView } from '../../../../src/core/serial';
import { makeTempDir } from '../../../harness/temp-dir';
import { StandInBinding } from './stand-in-binding';

const PATH = '/dev/ttyUSB-stand-in';

function session(binding: StandInBinding, extra: Partial<ConstructorParameters<typeof SerialSession>[1]> = {}): SerialSession {
  return new SerialSession({ kind: 'local', path: PATH, binding }, { serial: DEFAULT_SERIAL_OPTIONS, ...extra });
}

describe('local transport through a stand-in binding', () => {
  const dir = makeTempDir('serial-stand-in');
  after(() => dir.remove());

  it('opens with the line settings, locked, keeping DTR on close', async () => {
    const binding = new StandInBinding();
    const s = session(binding, { serial: { ...DEFAULT_SERIAL_OPTIONS, baudRate: 57600, dataBits: 7, parity: 'even', stopBits: 2, flowControl: 'rtscts' } });
    await s.open();
    const o = binding.last.openOptions;
    assert.deepEqual([o.path, o.baudRate, o.dataBits, o.parity, o.stopBits, o.rtscts, o.xon, o.lock, o.hupcl], [PATH, 57600, 7, 'even', 2, true, false, true, false]);
    await s.close();
    assert.equal(binding.last.isOpen, false);
  });

  it('sets DTR and RTS independently and keeps the other line as it was', async () => {
    const binding = new StandInBinding();
    const s = session(binding);
    await s.open();
    assert.deepEqual(s.capabilities, { setSignals: true, pulse: 'each', sendBreak: true, changeBaudLive: true });
    await s.setSignals({ dtr: false });
    await s.setSignals({ rts: false });
    await s.setSignals({ dtr: true });
    assert.deepEqual(binding.last.sets.map((x) => x.options), [
      { dtr: false, rts: true, brk: false },
      { dtr: false, rts: false, brk: false },
      { dtr: true, rts: false, brk: false },
    ]);
    await s.close();
  });

  it('pulses DTR low for the asked time, then raises it, leaving RTS alone', async () => {
    const binding = new StandInBinding();
    const s = session(binding);
    await s.open();
    await s.setSignals({ rts: false });
    await s.pulse('dtr', 60);
    const sets = binding.last.sets.slice(1);
    assert.deepEqual(sets.map((x) => x.options), [
      { dtr: false, rts: false, brk: false },
      { dtr: true, rts: false, brk: false },
    ]);
    const [low, high] = sets;
    assert.ok(low !== undefined && high !== undefined && high.at - low.at >= 55, 'DTR stayed low for the pulse');
    await s.close();
  });

  it('sends a break for the asked time with the lines kept', async () => {
    const binding = new StandInBinding();
    const s = session(binding);
    await s.open();
    await s.sendBreak(40);
    const sets = binding.last.sets;
    assert.deepEqual(sets.map((x) => x.options), [
      { dtr: true, rts: true, brk: true },
      { dtr: true, rts: true, brk: false },
    ]);
    assert.ok((sets[1]?.at ?? 0) - (sets[0]?.at ?? 0) >= 35);
    await s.close();
  });

  it('changes the baud live and reopens for a frame change', async () => {
    const binding = new StandInBinding();
    const s = session(binding);
    await s.open();
    await s.setOptions({ baudRate: 921600 });
    assert.deepEqual(binding.last.updates, [{ baudRate: 921600 }]);
    await s.setOptions({ dataBits: 7, parity: 'odd' });
    assert.equal(binding.opened.length, 2);
    assert.equal(binding.opened[0]?.isOpen, false);
    assert.deepEqual([binding.last.openOptions.baudRate, binding.last.openOptions.dataBits, binding.last.openOptions.parity], [921600, 7, 'odd']);
    binding.last.receive('after reopen');
    const got = await new Promise<string>((resolve) => s.onData((chunk) => resolve(chunk.toString())));
    assert.equal(got, 'after reopen');
    await s.close();
  });

  it('translates Enter to the line ending and echoes locally', async () => {
    const binding = new StandInBinding();
    const s = session(binding, { serial: { ...DEFAULT_SERIAL_OPTIONS, lineEnding: 'crlf', localEcho: true } });
    const shown: string[] = [];
    s.onDisplay((text) => shown.push(text));
    await s.open();
    await s.sendKeys('boot\r');
    await s.write('raw\r');
    assert.deepEqual(Buffer.concat(binding.last.written).toString(), 'boot\r\nraw\r');
    assert.deepEqual(shown, ['boot\r\n']);
    await s.close();
  });

  it('EACCES from the binding becomes the dialout diagnosis', async () => {
    const binding = new StandInBinding();
    binding.failOpen(PATH, 'EACCES');
    const root = join(dir.path, 'eacces');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'group'), 'dialout:x:0:\n');
    const view: SystemView = { procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), groupFile: join(root, 'group'), lockDirs: [], ownPid: process.pid, userName: 'alice', processGroups: [1000] };
    // The stand-in path does not exist, so the device's group is not known: the message says dialout.
    await assert.rejects(session(binding, { systemView: view }).open(), (error: Error) => {
      assert.equal(Reflect.get(error, 'code'), 'PERMISSION_DENIED');
      assert.match(error.message, /users\.users\.alice\.extraGroups = \[ "dialout" \]/);
      return true;
    });
  });

  it('EBUSY and a lock held by another session name the holder', async () => {
    const binding = new StandInBinding();
    binding.failOpen(PATH, 'EBUSY');
    const view: SystemView = { procRoot: join(dir.path, 'none'), sysRoot: join(dir.path, 'none'), groupFile: join(dir.path, 'none'), lockDirs: [], ownPid: process.pid, userName: 'alice', processGroups: [] };
    await assert.rejects(session(binding, { systemView: view }).open(), /busy .*held by a process we cannot see/);
    binding.failOpen(PATH, undefined);
    const registry = new SerialPortRegistry();
    const first = session(binding, { registry, name: "the serial console 'vulpix'" });
    await first.open();
    await assert.rejects(session(binding, { registry }).open(), /already open in the serial console 'vulpix'/);
    await first.close();
    const second = session(binding, { registry });
    await second.open();
    await second.close();
  });

  it('stays open after an unplug, waits, and re-attaches on the same path', async () => {
    const binding = new StandInBinding();
    const path = join(dir.path, 'ttyUSB-replug');
    writeFileSync(path, '');
    const s = new SerialSession({ kind: 'local', path, binding, byIdDir: join(dir.path, 'no-by-id') }, { retryMs: 20 });
    const events: SessionEvent[] = [];
    s.onEvent((event) => events.push(event));
    await s.open();
    rmSync(path);
    const waiting = new Promise<void>((resolve) => s.onEvent((e) => e.kind === 'state' && e.state.kind === 'waiting' && resolve()));
    binding.last.unplug();
    await waiting;
    assert.equal(s.state.kind, 'waiting');
    await assert.rejects(s.write('x'), /unplugged; waiting for/);
    const reattached = new Promise<void>((resolve) => s.onEvent((e) => e.kind === 'state' && e.state.kind === 'reattached' && resolve()));
    writeFileSync(path, '');
    await reattached;
    assert.equal(binding.opened.length, 2);
    await s.write('again');
    assert.equal(Buffer.concat(binding.last.written).toString(), 'again');
    await s.close();
    assert.deepEqual(events.flatMap((e) => (e.kind === 'state' ? [e.state.kind] : [])), ['open', 'waiting', 'reattached', 'closed']);
  });
});

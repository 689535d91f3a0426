import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SerialLog, serialLogFileName } from '../../../../src/core/serial';
import { makeTempDir } from '../../../harness/temp-dir';

describe('serial log', () => {
  const dir = makeTempDir('serial-log');
  after(() => dir.remove());

  it('holds exactly the bytes written, with no header', async () => {
    const path = join(dir.path, 'raw.log');
    const log = await SerialLog.open({ path });
    const bytes = Buffer.from([0, 0x0d, 0x0a, 0xff, 0x1b, 0x5b, 0x6d, 0x0a]);
    log.write(bytes.subarray(0, 3));
    log.write(bytes.subarray(3));
    await log.close();
    await log.close();
    assert.deepEqual(readFileSync(path), bytes);
  });

  it('with timestamps, says so in a header and stamps every line', async () => {
    const path = join(dir.path, serialLogFileName('/dev/serial/by-id/usb-FTDI_x-if00-port0', new Date('2026-11-25T12:00:00Z'), true));
    assert.match(path, /usb-FTDI_x-if00-port0-2026-11-25T12-00-00Z\.timestamped\.log$/);
    const log = await SerialLog.open({ path, timestamps: true, describe: '/dev/ttyUSB0 115200 8N1', now: () => new Date('2026-11-25T12:00:01.000Z') });
    log.write(Buffer.from('one\ntw'));
    log.write(Buffer.from('o\nthree'));
    await log.close();
    const stamp = '2026-11-25T12:00:01.000Z ';
    assert.equal(readFileSync(path, 'utf-8'), `# nixos-devices serial log of /dev/ttyUSB0 115200 8N1, each line prefixed with its arrival time (UTC); not the raw bytes.\n${stamp}one\n${stamp}two\n${stamp}three`);
  });

  it('names the file it cannot write', async () => {
    await assert.rejects(SerialLog.open({ path: join(dir.path, 'missing', 'x.log') }), /Cannot write the serial log .*missing/);
  });
});

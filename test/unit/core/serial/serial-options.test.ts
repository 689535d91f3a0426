import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BAUD_RATE_PRESETS, DEFAULT_SERIAL_OPTIONS, formatSerialFrame, normaliseSerialOptions, parseSerialFrame, sttyArgs } from '../../../../src/core/serial';

describe('serial options', () => {
  it('defaults to 115200 8N1, no flow control, Enter sends CR', () => {
    assert.equal(formatSerialFrame(DEFAULT_SERIAL_OPTIONS), '115200 8N1');
    assert.equal(DEFAULT_SERIAL_OPTIONS.lineEnding, 'cr');
    assert.equal(DEFAULT_SERIAL_OPTIONS.flowControl, 'none');
    assert.deepEqual(BAUD_RATE_PRESETS, [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1500000]);
  });

  it('turns any hand-edited value into valid options without throwing', () => {
    for (const raw of [undefined, null, 42, 'x', [], { baudRate: -5 }, { baudRate: 1.5 }, { dataBits: 9 }, { parity: 'weird' }, { stopBits: 3 }, { localEcho: 'yes' }]) {
      const options = normaliseSerialOptions(raw);
      assert.equal(options.dataBits >= 5 && options.dataBits <= 8, true);
      assert.equal(Number.isInteger(options.baudRate) && options.baudRate > 0, true);
    }
    assert.deepEqual(normaliseSerialOptions({ baudRate: 'nonsense', dataBits: 7 }), { ...DEFAULT_SERIAL_OPTIONS, dataBits: 7 });
  });

  it('keeps good fields, accepts any positive baud and common spellings', () => {
    const options = normaliseSerialOptions({ baudRate: 250000, parity: 'E', flowControl: 'hard', stopBits: 2, lineEnding: 'CRLF', localEcho: true, hexView: true, timestamps: true });
    assert.deepEqual(options, { baudRate: 250000, dataBits: 8, parity: 'even', stopBits: 2, flowControl: 'rtscts', lineEnding: 'crlf', localEcho: true, timestamps: true, hexView: true });
    assert.equal(normaliseSerialOptions({ baudRate: '57600' }).baudRate, 57600);
  });

  it('reads "115200 8N1"-style settings', () => {
    assert.deepEqual(parseSerialFrame('9600 7E1'), { ...DEFAULT_SERIAL_OPTIONS, baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 });
    assert.deepEqual(parseSerialFrame('115200,8o2'), { ...DEFAULT_SERIAL_OPTIONS, parity: 'odd', stopBits: 2 });
    assert.equal(parseSerialFrame('1500000').baudRate, 1500000);
    assert.deepEqual(parseSerialFrame('5M1.5'), { ...DEFAULT_SERIAL_OPTIONS, dataBits: 5, parity: 'mark', stopBits: 1.5 });
    assert.equal(formatSerialFrame(parseSerialFrame('57600 8S2')), '57600 8S2');
  });

  it('rejects settings it cannot read, naming them', () => {
    assert.throws(() => parseSerialFrame('fast'), /"fast".*115200 8N1/);
    assert.throws(() => parseSerialFrame('115200 9N1'), /INVALID|Cannot read/);
    assert.throws(() => parseSerialFrame('0'), /not a positive/);
  });

  it('maps every setting to stty arguments, including mark/space parity via cmspar', () => {
    assert.deepEqual(sttyArgs(DEFAULT_SERIAL_OPTIONS), ['raw', '-echo', 'clocal', '-hupcl', '115200', 'cs8', '-parenb', '-parodd', '-cmspar', '-cstopb', '-crtscts', '-ixon', '-ixoff']);
    // raw clears ixon/ixoff: flow control must come after it.
    const args = sttyArgs({ ...DEFAULT_SERIAL_OPTIONS, baudRate: 9600, dataBits: 7, parity: 'space', stopBits: 2, flowControl: 'xonxoff' });
    assert.deepEqual(args.slice(4), ['9600', 'cs7', 'parenb', '-parodd', 'cmspar', 'cstopb', '-crtscts', 'ixon', 'ixoff']);
    assert.deepEqual(sttyArgs({ ...DEFAULT_SERIAL_OPTIONS, parity: 'mark', flowControl: 'rtscts' }).slice(6), ['parenb', 'parodd', 'cmspar', '-cstopb', 'crtscts', '-ixon', '-ixoff']);
  });
});

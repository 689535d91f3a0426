import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DisplayTransform, timestampPrefix } from '../../../../src/core/serial';

const at = (ms: number): Date => new Date(2026, 10, 25, 12, 0, 0, ms);

describe('display transform', () => {
  it('passes text through and joins UTF-8 split across chunks', () => {
    const display = new DisplayTransform({ timestamps: false, hexView: false });
    const bytes = Buffer.from('Grüße\r\n');
    assert.equal(display.push(bytes.subarray(0, 3)) + display.push(bytes.subarray(3)), 'Grüße\r\n');
  });

  it('stamps each line with the time its first byte arrived, across chunks', () => {
    let now = at(1);
    const display = new DisplayTransform({ timestamps: true, hexView: false }, () => now);
    let out = display.push(Buffer.from('U-Boot 2024'));
    now = at(500);
    out += display.push(Buffer.from('.01\r\nDRAM'));
    now = at(900);
    out += display.push(Buffer.from(': 1 GiB\r\n'));
    assert.equal(out, `${timestampPrefix(at(1))}U-Boot 2024.01\r\n${timestampPrefix(at(500))}DRAM: 1 GiB\r\n`);
    assert.match(timestampPrefix(at(7)), /^\[12:00:00\.007\] $/);
  });

  it('shows hex rows of 16 bytes with offset and ASCII, continuing across chunks', () => {
    const display = new DisplayTransform({ timestamps: false, hexView: true });
    const out = display.push(Buffer.from('ABCDEFGH')) + display.push(Buffer.from([0, 0x0d, 0x0a, 0xff, 0x41, 0x42, 0x43, 0x44, 0x45]));
    assert.equal(out, '00000000  41 42 43 44 45 46 47 48 00 0d 0a ff 41 42 43 44  |ABCDEFGH....ABCD|\r\n00000010  45 ');
  });
});

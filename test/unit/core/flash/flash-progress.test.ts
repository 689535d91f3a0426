import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProgress, ProgressMeter } from '../../../../src/core/flash';

describe('flash progress', () => {
  it('derives speed and time left from byte counts over time', () => {
    const meter = new ProgressMeter();
    meter.update({ done: 0, total: 100e6, unit: 'bytes' }, 0);
    const r = meter.update({ done: 20e6, total: 100e6, unit: 'bytes' }, 1000);
    assert.equal(r.bytesPerSecond, 20e6);
    assert.equal(r.secondsLeft, 4);
    assert.equal(formatProgress('writing', { done: 20e6, total: 100e6, unit: 'bytes' }, r), 'writing 20% (20.0 MB of 100.0 MB) 20.0 MB/s, 4 s left');
  });

  it('marks an estimated total with ~', () => {
    const meter = new ProgressMeter();
    const p = { done: 5e6, total: 10e6, unit: 'bytes' as const, estimated: true };
    assert.match(formatProgress('writing', p, meter.update(p, 0)), /^writing 50%~ \(5.00 MB of 10.0 MB~\)$/);
  });
});

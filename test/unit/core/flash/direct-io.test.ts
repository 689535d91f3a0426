import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignedBuffer, DIRECT_IO_ALIGN, slices } from '../../../../src/core/flash/direct-io';

function einval(): Error {
  return Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL' });
}

describe('O_DIRECT-aligned memory found by trial', () => {
  it('returns zeroed memory starting where the trial I/O was first accepted', async () => {
    const tried: number[] = [];
    let first: Buffer | undefined;
    // A stand-in kernel that takes the fifth candidate only.
    const memory = await alignedBuffer(3 * DIRECT_IO_ALIGN, async (probe) => {
      first ??= probe;
      tried.push(probe.byteOffset - first.byteOffset);
      assert.equal(probe.length, DIRECT_IO_ALIGN);
      assert.ok(probe.every((b) => b === 0), 'the trial writes zeros');
      if (tried.length < 5) throw einval();
    });
    assert.ok(memory !== undefined && first !== undefined);
    assert.deepEqual(tried, [0, 8, 16, 24, 32]);
    assert.equal(memory.byteOffset - first.byteOffset, 32);
    assert.equal(memory.length, 3 * DIRECT_IO_ALIGN);
    assert.ok(memory.every((b) => b === 0));
    const parts = slices(memory, 3, DIRECT_IO_ALIGN);
    assert.deepEqual(parts.map((p) => p.byteOffset - memory.byteOffset), [0, DIRECT_IO_ALIGN, 2 * DIRECT_IO_ALIGN]);
  });

  it('gives up (the caller falls back to dd) when no offset in a page is accepted', async () => {
    let trials = 0;
    const memory = await alignedBuffer(DIRECT_IO_ALIGN, async () => {
      trials++;
      throw einval();
    });
    assert.equal(memory, undefined);
    assert.equal(trials, DIRECT_IO_ALIGN / 8);
  });

  it('passes on any error but EINVAL: an I/O error is not a misalignment', async () => {
    await assert.rejects(
      alignedBuffer(DIRECT_IO_ALIGN, async () => {
        throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      }),
      /EIO/,
    );
  });
});

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSha256Hasher, resolveHashChoice } from '../../../src/core/flash';

describe('SHA-256 by the openssl program', () => {
  it('is not the automatic choice, which measured slower in a whole flash', () => {
    assert.equal(resolveHashChoice('auto'), 'in-process');
    assert.equal(resolveHashChoice('program'), 'program');
  });

  it('gives the same digest as Node for the same chunks, across backpressure', async () => {
    const chunks = Array.from({ length: 40 }, () => randomBytes(1024 * 1024));
    const program = createSha256Hasher('program');
    const node = createHash('sha256');
    for (const chunk of chunks) {
      node.update(chunk);
      await program.update(chunk);
    }
    assert.equal(await program.digest(), node.digest('hex'));
  });
});

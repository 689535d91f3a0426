import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256ToSri } from '../../../../../src/core/rules/query/nix-hash';

// sha256("hello"), as `nix-hash --type sha256 --to-base32` and base64 print it.
const HEX = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const NIX32 = '094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic';
const SRI = 'sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=';

describe('sha256ToSri', () => {
  it("converts Nix's base32, hex and sha256:-prefixed hashes to SRI", () => {
    assert.equal(sha256ToSri(NIX32), SRI);
    assert.equal(sha256ToSri(HEX), SRI);
    assert.equal(sha256ToSri(`sha256:${NIX32}`), SRI);
    assert.equal(sha256ToSri(SRI), SRI);
  });

  it('refuses what is not a SHA-256 hash', () => {
    assert.equal(sha256ToSri(''), undefined);
    assert.equal(sha256ToSri(NIX32.replace('0', 'e')), undefined); // e is not in Nix's alphabet
    assert.equal(sha256ToSri(NIX32.slice(1)), undefined);
    assert.equal(sha256ToSri('sha512-abc'), undefined);
  });
});

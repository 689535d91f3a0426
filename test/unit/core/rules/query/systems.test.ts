import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, isKnownDouble, KNOWN_DOUBLES, looksLikeDouble, pkgsCrossSystem, runsNatively, systemOfTriple } from '../../../../../src/core/rules/query/systems';

describe('system doubles', () => {
  it('knows the doubles the seed uses and suggests the nearest for a typo', () => {
    for (const s of ['x86_64-linux', 'aarch64-linux', 'armv7l-linux', 'armv6l-linux', 'aarch64-darwin']) assert.ok(isKnownDouble(s), s);
    assert.equal(closest('x86_64-linx', KNOWN_DOUBLES), 'x86_64-linux');
    assert.equal(closest('x86-64-linux', KNOWN_DOUBLES), 'x86_64-linux');
    assert.equal(closest('totally-different', KNOWN_DOUBLES), undefined);
  });

  it('maps pkgsCross platforms and config triples to doubles', () => {
    assert.equal(pkgsCrossSystem('armv7l-hf-multiplatform'), 'armv7l-linux');
    assert.equal(pkgsCrossSystem('aarch64-multiplatform'), 'aarch64-linux');
    assert.equal(pkgsCrossSystem('raspberryPi'), 'armv6l-linux');
    assert.equal(pkgsCrossSystem('nope'), undefined);
    assert.equal(systemOfTriple('armv7l-unknown-linux-gnueabihf'), 'armv7l-linux');
    assert.equal(systemOfTriple('aarch64-apple-darwin'), 'aarch64-darwin');
    assert.equal(systemOfTriple('x86_64-linux'), 'x86_64-linux');
    assert.equal(systemOfTriple('banana'), undefined);
  });

  it('tells select names that look like systems from package names', () => {
    assert.ok(looksLikeDouble('x86_64-linx'));
    assert.ok(looksLikeDouble('x86-64-linux'));
    assert.ok(!looksLikeDouble('humility-cross-armv7l-linux'));
    assert.ok(!looksLikeDouble('humility'));
  });

  it('knows which binaries a machine runs without emulation', () => {
    assert.ok(runsNatively('armv7l-linux', 'armv6l-linux'));
    assert.ok(runsNatively('x86_64-linux', 'i686-linux'));
    assert.ok(!runsNatively('armv7l-linux', 'x86_64-linux'));
    assert.ok(!runsNatively('aarch64-linux', 'x86_64-linux'));
  });
});

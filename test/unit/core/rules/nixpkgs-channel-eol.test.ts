import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endOfLife, newestSupported } from '../../../../src/core/rules/nixpkgs-channel-eol';

describe('NixOS release support windows', () => {
  it('ends support at the end of the seventh month after the release month', () => {
    assert.equal(endOfLife(23, 5).toISOString().slice(0, 10), '2023-12-31');
    assert.equal(endOfLife(23, 11).toISOString().slice(0, 10), '2024-06-30');
    assert.equal(endOfLife(26, 5).toISOString().slice(0, 10), '2026-12-31');
  });

  it('picks the newest release that is out and supported on a date', () => {
    assert.equal(newestSupported(new Date('2026-11-25T12:00:00Z')), '26.05');
    assert.equal(newestSupported(new Date('2026-12-02T12:00:00Z')), '26.11');
    assert.equal(newestSupported(new Date('2024-01-15T12:00:00Z')), '23.11');
  });
});

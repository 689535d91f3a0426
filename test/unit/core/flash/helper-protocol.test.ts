import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { encodeHelperMessage, helperMessageFor, parseHelperMessage, parseHelperRequest, type FlashResult } from '../../../../src/core/flash';

const RESULT: FlashResult = {
  imagePath: '/nix/store/x-nixos.img.zst',
  target: '/dev/sdb',
  bytesWritten: 1024,
  imageFileSha256: 'a'.repeat(64),
  writtenSha256: 'b'.repeat(64),
  verified: true,
  decompressor: 'the zstd program',
  writeMode: 'direct',
  warnings: [],
};

describe('privileged helper protocol', () => {
  it('round-trips job events through JSON lines', () => {
    for (const event of [
      { kind: 'phase', phase: 'writing' },
      { kind: 'progress', progress: { done: 5, total: 10, unit: 'bytes', estimated: true } },
      { kind: 'result', outcome: { status: 'succeeded', value: RESULT } },
      { kind: 'result', outcome: { status: 'cancelled', error: new DevicesError('CANCELLED', 'Cancelled. /dev/sdb was partly written') } },
    ] as const) {
      const message = helperMessageFor(event);
      assert.ok(message !== undefined);
      const line = encodeHelperMessage(message);
      assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
      assert.deepEqual(parseHelperMessage(line), message);
    }
  });

  it('drops malformed or unknown lines instead of trusting them', () => {
    for (const line of ['not json', '[]', '{"type":"phase","phase":"rm -rf"}', '{"type":"progress","done":-1}', '{"type":"result","result":{"target":"/dev/sdb"}}', '{"type":"nope"}']) {
      assert.equal(parseHelperMessage(line), undefined, line);
    }
  });

  it('reads a request with safe defaults: verify on, everything else off', () => {
    assert.deepEqual(parseHelperRequest('{"version":1,"image":"/a.img.zst","target":"/dev/sdb"}'), {
      version: 1,
      image: '/a.img.zst',
      target: '/dev/sdb',
      verify: true,
      allowNonRemovable: false,
      unmount: false,
      eject: false,
    });
    assert.equal(parseHelperRequest('{"version":2,"image":"/a","target":"/dev/sdb"}'), undefined);
    assert.equal(parseHelperRequest('{"version":1,"image":"/a","allowNonRemovable":"yes"}'), undefined);
  });
});

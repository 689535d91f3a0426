import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExt4Superblock } from '../../../src/core/card';

/** A superblock's bytes with the fields the card tools read (offsets from e2fsprogs' ext2_fs.h). */
function superblock(options: { label?: string; logBlockSize?: number; incompat?: number; magic?: number } = {}): Buffer {
  const bytes = Buffer.alloc(1024);
  bytes.writeUInt32LE(options.logBlockSize ?? 2, 24);
  bytes.writeUInt16LE(options.magic ?? 0xef53, 56);
  bytes.writeUInt32LE(options.incompat ?? 0x2c2, 96);
  bytes.write(options.label ?? 'NIXOS_SD', 120, 'utf-8');
  return bytes;
}

describe('ext4 superblock', () => {
  it('reads the label and block size of a clean file system', () => {
    assert.deepEqual(parseExt4Superblock(superblock()), { label: 'NIXOS_SD', blockSize: 4096, needsRecovery: false });
    assert.deepEqual(parseExt4Superblock(superblock({ label: '', logBlockSize: 0 })), { label: '', blockSize: 1024, needsRecovery: false });
  });

  it('a full 16-byte label has no terminating NUL', () => {
    assert.equal(parseExt4Superblock(superblock({ label: 'ABCDEFGHIJKLMNOP' }))?.label, 'ABCDEFGHIJKLMNOP');
  });

  it('sees a journal that needs recovery (INCOMPAT_RECOVER)', () => {
    assert.equal(parseExt4Superblock(superblock({ incompat: 0x2c2 | 0x4 }))?.needsRecovery, true);
  });

  it('is undefined for anything else: no magic, a FAT boot sector, too few bytes, an absurd block size', () => {
    assert.equal(parseExt4Superblock(superblock({ magic: 0x1234 })), undefined);
    assert.equal(parseExt4Superblock(Buffer.alloc(1024)), undefined);
    assert.equal(parseExt4Superblock(superblock().subarray(0, 100)), undefined);
    assert.equal(parseExt4Superblock(superblock({ logBlockSize: 40 })), undefined);
  });
});

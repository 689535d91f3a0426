/**
 * The few ext2/3/4 superblock fields the card tools need, read from the 1024 bytes at offset
 * 1024 of a partition (layout: e2fsprogs lib/ext2fs/ext2_fs.h, `struct ext2_super_block`):
 * magic 0xEF53 at 56, s_log_block_size at 24, s_feature_incompat at 96, s_volume_name (16
 * bytes) at 120.
 */

export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_BYTES = 1024;
const EXT2_MAGIC = 0xef53;
/** EXT3_FEATURE_INCOMPAT_RECOVER: the journal holds changes not yet written to the file system. */
const INCOMPAT_RECOVER = 0x0004;

export interface Ext4Superblock {
  /** The volume label (`NIXOS_SD` on a NixOS SD image); '' when unset. */
  readonly label: string;
  readonly blockSize: number;
  /**
   * The journal needs replaying (the card was pulled from a running board). Writing around the
   * journal then is unsafe: the kernel would replay older metadata over our change at the next mount.
   */
  readonly needsRecovery: boolean;
}

/** Parses a superblock; undefined when the bytes are not an ext2/3/4 superblock. */
export function parseExt4Superblock(bytes: Uint8Array): Ext4Superblock | undefined {
  if (bytes.length < 136) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.readUInt16LE(56) !== EXT2_MAGIC) return undefined;
  const logBlockSize = view.readUInt32LE(24);
  if (logBlockSize > 6) return undefined;
  const incompat = view.readUInt32LE(96);
  const nameBytes = view.subarray(120, 136);
  const end = nameBytes.indexOf(0);
  const label = nameBytes.subarray(0, end === -1 ? nameBytes.length : end).toString('utf-8');
  return { label, blockSize: 1024 << logBlockSize, needsRecovery: (incompat & INCOMPAT_RECOVER) !== 0 };
}

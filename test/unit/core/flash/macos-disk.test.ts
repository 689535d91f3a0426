/**
 * The macOS writer path's pure parts (docs/flash-macos.md): disk names, diskutil and authopen argv,
 * and the SCM_RIGHTS control message authopen's descriptor arrives in. The control buffers are
 * stand-ins for what recvmsg(2) fills on macOS (no macOS here), built field by field from Darwin's
 * sys/socket.h layout; a Linux-layout buffer checks the walk is not Darwin-only by accident.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { authopenArgv, DARWIN_CMSG, LINUX_64_CMSG, parseScmRights } from '../../../../src/core/flash/macos-authopen';
import { blockDiskPath, ejectDiskArgv, rawDiskPath, unmountDiskArgv } from '../../../../src/core/flash/macos-disk';

/** One Darwin cmsghdr: u32 len, i32 level, i32 type, then the ints. */
function darwinCmsg(level: number, type: number, ints: readonly number[]): Buffer {
  const buf = Buffer.alloc(12 + 4 * ints.length);
  buf.writeUInt32LE(buf.length, 0);
  buf.writeInt32LE(level, 4);
  buf.writeInt32LE(type, 8);
  ints.forEach((v, i) => buf.writeInt32LE(v, 12 + 4 * i));
  return buf;
}

/** One Linux x86-64 cmsghdr: u64 len, i32 level, i32 type, ints, padded to 8. */
function linuxCmsg(level: number, type: number, ints: readonly number[]): Buffer {
  const len = 16 + 4 * ints.length;
  const buf = Buffer.alloc(Math.ceil(len / 8) * 8);
  buf.writeBigUInt64LE(BigInt(len), 0);
  buf.writeInt32LE(level, 8);
  buf.writeInt32LE(type, 12);
  ints.forEach((v, i) => buf.writeInt32LE(v, 16 + 4 * i));
  return buf;
}

const refused = (e: unknown): boolean => e instanceof DevicesError;

describe('macOS disks', () => {
  it('names the raw device of a whole disk and refuses volumes', () => {
    assert.equal(rawDiskPath('/dev/disk4'), '/dev/rdisk4');
    assert.equal(rawDiskPath('/dev/rdisk12'), '/dev/rdisk12');
    assert.equal(blockDiskPath('/dev/rdisk4'), '/dev/disk4');
    assert.throws(() => rawDiskPath('/dev/disk4s1'), refused);
    assert.throws(() => rawDiskPath('/dev/sdb'), refused);
    assert.throws(() => rawDiskPath('/dev/disk4; rm -rf /'), refused);
  });

  it('unmounts every volume with unmountDisk and ejects the block device', () => {
    assert.deepEqual(unmountDiskArgv('/dev/rdisk4'), ['diskutil', 'unmountDisk', '/dev/disk4']);
    assert.deepEqual(ejectDiskArgv('/dev/disk4'), ['diskutil', 'eject', '/dev/disk4']);
  });

  it('asks authopen for the descriptor of the raw disk, read-write and exclusive, or read-only', () => {
    assert.deepEqual(authopenArgv('/dev/rdisk4', { write: true, exclusive: true, externalAuthorization: true }), ['/usr/libexec/authopen', '-stdoutpipe', '-extauth', '-o', String(0x22), '/dev/rdisk4']);
    assert.deepEqual(authopenArgv('/dev/rdisk4', { write: false }), ['/usr/libexec/authopen', '-stdoutpipe', '-o', '0', '/dev/rdisk4']);
    assert.throws(() => authopenArgv('/dev/disk4s2', { write: true }), refused);
  });
});

describe('authopen descriptor passing (SCM_RIGHTS)', () => {
  it('reads the one descriptor of a Darwin control message', () => {
    assert.deepEqual(parseScmRights(darwinCmsg(0xffff, 1, [7]), DARWIN_CMSG), [7]);
  });

  it('skips other control messages and reads every SCM_RIGHTS descriptor', () => {
    const control = Buffer.concat([darwinCmsg(0xffff, 2 /* SCM_TIMESTAMP */, [1, 2]), darwinCmsg(0xffff, 1, [9, 10])]);
    assert.deepEqual(parseScmRights(control, DARWIN_CMSG), [9, 10]);
    assert.deepEqual(parseScmRights(darwinCmsg(6 /* IPPROTO_TCP */, 1, [5]), DARWIN_CMSG), []);
  });

  it('walks the Linux layout (8-byte cmsg_len, padding) too', () => {
    const control = Buffer.concat([linuxCmsg(1, 1, [3]), linuxCmsg(1, 1, [4, 5])]);
    assert.deepEqual(parseScmRights(control, LINUX_64_CMSG), [3, 4, 5]);
    // The same bytes read with Darwin's layout are not descriptors.
    assert.notDeepEqual(parseScmRights(linuxCmsg(0xffff, 1, [3]), DARWIN_CMSG), [3]);
  });

  it('returns nothing for an empty buffer (authopen failed) and refuses a header running past it', () => {
    assert.deepEqual(parseScmRights(Buffer.alloc(0), DARWIN_CMSG), []);
    const broken = darwinCmsg(0xffff, 1, [7]);
    broken.writeUInt32LE(64, 0);
    assert.throws(() => parseScmRights(broken, DARWIN_CMSG), (e: unknown) => e instanceof DevicesError && e.code === 'PARSE_FAILED');
  });
});

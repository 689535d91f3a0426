import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { debugfsErrorLines, isDebugfsSafePath, parseDebugfsStat, splitSessionOutput } from '../../../src/core/card';
import { isNotFoundLine, openFailureOf } from '../../../src/core/card/debugfs-output';

/** Recorded: debugfs 1.47.0 `stat` of a file after `sif … mode 0100600` (Debian 12). */
const STAT = `Inode: 19   Type: regular    Mode:  0600   Flags: 0x80000
Generation: 0    Version: 0x00000000:00000000
User:     0   Group:     0   Project:     0   Size: 411
File ACL: 0
Links: 1   Blockcount: 2
Fragment:  Address: 0    Number: 0    Size: 0
 ctime: 0x6b06cecb:00000000 -- Wed Nov 25 12:04:27 2026
 atime: 0x6b06cecb:00000000 -- Wed Nov 25 12:04:27 2026
 mtime: 0x6b06cecb:00000000 -- Wed Nov 25 12:04:27 2026
crtime: 0x6b06cecb:00000000 -- Wed Nov 25 12:04:27 2026
Size of extra inode fields: 32
Inode checksum: 0x363971e7
EXTENTS:
(0):1757`;

describe('debugfs output', () => {
  it('parses stat: type, permission bits, owner, size (not the fragment size), links', () => {
    assert.deepEqual(parseDebugfsStat(STAT), { inode: 19, type: 'regular', mode: 0o600, uid: 0, gid: 0, size: 411, links: 1 });
    const dir = STAT.replace('Type: regular    Mode:  0600', 'Type: directory    Mode:  0755').replace('User:     0   Group:     0', 'User:  1000   Group:   100');
    assert.deepEqual(parseDebugfsStat(dir), { inode: 19, type: 'directory', mode: 0o755, uid: 1000, gid: 100, size: 411, links: 1 });
    assert.equal(parseDebugfsStat(''), undefined);
    assert.equal(parseDebugfsStat('stat: Filesystem not open'), undefined);
  });

  it('splits a -f session by the echoed commands; a failed command has empty output', () => {
    const stdout = `debugfs: stat /etc\ndebugfs: stat /etc/ssh/x\n${STAT}\ndebugfs: stat /boot\n`;
    const sections = splitSessionOutput(stdout);
    assert.deepEqual(sections.map((s) => s.command), ['stat /etc', 'stat /etc/ssh/x', 'stat /boot']);
    assert.equal(sections[0]?.output, '');
    assert.equal(parseDebugfsStat(sections[1]?.output ?? '')?.inode, 19);
  });

  it('error lines: the banner is not one; not-found names its path; open failures are classified', () => {
    const stderr = 'debugfs 1.47.0 (5-Feb-2023)\n/etc: File not found by ext2_lookup \nwrite: Ext2 file already exists \n';
    const lines = debugfsErrorLines(stderr);
    assert.deepEqual(lines, ['/etc: File not found by ext2_lookup', 'write: Ext2 file already exists']);
    assert.ok(isNotFoundLine(lines[0] ?? '', '/etc'));
    assert.ok(!isNotFoundLine(lines[0] ?? '', '/etc/ssh'));
    assert.equal(openFailureOf(lines), undefined);
    assert.equal(openFailureOf(['debugfs: Permission denied while trying to open /dev/sdb', 'stat: Filesystem not open'])?.kind, 'permission');
    assert.equal(openFailureOf(['debugfs: Bad magic number in super-block while trying to open x.img'])?.kind, 'not-ext');
    assert.equal(openFailureOf(['debugfs: Attempt to read block from filesystem resulted in short read while trying to open /etc/hostname'])?.kind, 'not-ext');
    assert.equal(openFailureOf(['debugfs: No such file or directory while trying to open nonexist.img'])?.kind, 'missing');
  });

  it('only single-word paths go into debugfs commands', () => {
    assert.ok(isDebugfsSafePath('/boot/extlinux/../nixos/abc-linux-6.6-zImage'));
    assert.ok(isDebugfsSafePath('/nix/store/abc-foo?bar=1'));
    for (const bad of ['', '/boot/a b', '/boot/"x"', "/boot/it's", '/boot/a\\b', '/boot/a\nstat /x', '/boot/\u0001', '/boot/\u007f']) {
      assert.equal(isDebugfsSafePath(bad), false, JSON.stringify(bad));
    }
  });
});

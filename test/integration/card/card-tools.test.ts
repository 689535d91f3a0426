/**
 * The card tools against real cards: an SD image built like NixOS's (FIRMWARE + NIXOS_SD, by the
 * real sfdisk/mkfs tools, no root) and the same image on a loop device with partition nodes. What
 * landed is read back independently (debugfs and e2fsck run directly, the kernel's own view of a
 * mount), and the pre-seeded key is checked by core/remote against a real sshd serving it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCardBootMenu, seedHostKey, setCardBootDefault, HOST_KEY_PATH } from '../../../src/core/card';
import { DevicesError } from '../../../src/core/errors';
import { checkHostKey, connectSsh, readKnownHostsFiles, type ResolvedHost } from '../../../src/core/remote';
import { makeTempDir } from '../../harness/temp-dir';
import { attachCard, buildCardImage, catFromCard, copyImage, debugfs, EXTLINUX_CONF, fsckClean, ROOT_OFFSET, startKeyedSshd, type LoopCard } from './card-fixture';

function rootOf(image: string): string {
  return `${image}?offset=${String(ROOT_OFFSET)}`;
}

async function rejectsWith(promise: Promise<unknown>, code: string, text?: RegExp): Promise<DevicesError> {
  let caught: unknown;
  await assert.rejects(promise, (e: unknown) => {
    caught = e;
    return e instanceof DevicesError && e.code === code && (text === undefined || text.test(e.message));
  });
  return caught as DevicesError;
}

function blobOf(publicLine: string): Buffer {
  return Buffer.from(publicLine.split(/\s+/)[1] ?? '', 'base64');
}

function statLine(target: string, path: string): { mode: string; uid: string; gid: string; type: string } {
  const text = debugfs(target, `stat ${path}`);
  const head = /Type:\s*(\S+)\s+Mode:\s*(\d+)/.exec(text);
  const user = /User:\s*(\d+)\s+Group:\s*(\d+)/.exec(text);
  return { type: head?.[1] ?? '?', mode: head?.[2] ?? '?', uid: user?.[1] ?? '?', gid: user?.[2] ?? '?' };
}

describe('card tools on a NixOS-style SD image and a loop device', () => {
  const temp = makeTempDir('card');
  const loops: LoopCard[] = [];
  const mounts: string[] = [];
  let pristine: string;
  let counter = 0;

  function freshImage(): string {
    counter += 1;
    return copyImage(pristine, join(temp.path, `card-${String(counter)}.img`));
  }

  before(async () => {
    pristine = await buildCardImage(join(temp.path, 'build'));
  });
  after(() => {
    for (const m of mounts.reverse()) spawnSync('umount', [m]);
    for (const l of loops) l.detach();
    temp.remove();
  });

  it('pre-seeds an ed25519 host key on an image file: root-owned, 0600/0644, bytes as generated, file system clean', async () => {
    const image = freshImage();
    const knownHosts = join(temp.path, 'kh-image');
    const result = await seedHostKey({ card: image, names: ['vulpix', '[10.77.0.2]:2222'], knownHostsFile: knownHosts });
    assert.equal(result.generated, true);
    assert.equal(result.partition, 2);
    assert.equal(result.keyType, 'ssh-ed25519');
    const key = statLine(rootOf(image), HOST_KEY_PATH);
    assert.deepEqual(key, { type: 'regular', mode: '0600', uid: '0', gid: '0' });
    assert.deepEqual(statLine(rootOf(image), `${HOST_KEY_PATH}.pub`), { type: 'regular', mode: '0644', uid: '0', gid: '0' });
    assert.equal(statLine(rootOf(image), '/etc/ssh').type, 'directory');
    assert.equal(catFromCard(rootOf(image), `${HOST_KEY_PATH}.pub`, temp.path).toString('utf-8').trim(), result.publicKeyLine);
    // The private key on the card is the one whose public half was recorded.
    const privateFile = join(temp.path, 'image-key');
    writeFileSync(privateFile, catFromCard(rootOf(image), HOST_KEY_PATH, temp.path), { mode: 0o600 });
    const derived = execFileSync('ssh-keygen', ['-y', '-f', privateFile], { encoding: 'utf-8' }).trim();
    assert.equal(derived.split(' ').slice(0, 2).join(' '), result.publicKeyLine.split(' ').slice(0, 2).join(' '));
    const fsck = fsckClean(rootOf(image));
    assert.ok(fsck.ok, fsck.output);
    // known_hosts: one line per name, and core/remote's check now knows the key under both.
    assert.deepEqual(readFileSync(knownHosts, 'utf-8').trim().split('\n').map((l) => l.split(' ')[0]), ['vulpix', '[10.77.0.2]:2222']);
    const entries = await readKnownHostsFiles([knownHosts]);
    assert.equal(checkHostKey(entries, 'vulpix', blobOf(result.publicKeyLine)).kind, 'known');
    assert.equal(checkHostKey(entries, '[10.77.0.2]:2222', blobOf(result.publicKeyLine)).kind, 'known');
    assert.equal(statSync(knownHosts).mode & 0o777, 0o600);
  });

  it('a real sshd serving the key read from the card passes core/remote host-key checking; another key does not', async () => {
    const image = freshImage();
    const dir = join(temp.path, 'sshd');
    mkdirSync(dir, { recursive: true });
    const knownHosts = join(dir, 'known_hosts');
    const hostKey = join(dir, 'card_host_key');
    // sshd's port is only known once it runs, so the key is recorded under a HostKeyAlias name.
    const result = await seedHostKey({ card: image, names: ['card-board'], knownHostsFile: knownHosts });
    writeFileSync(hostKey, catFromCard(rootOf(image), HOST_KEY_PATH, temp.path), { mode: 0o600 });
    const sshd = await startKeyedSshd(join(dir, 'run-a'), hostKey);
    const host = (userKnownHostsFiles: readonly string[]): ResolvedHost => ({
      alias: 'card-board',
      hostname: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      identityFiles: [sshd.clientKey],
      identitiesOnly: true,
      identityAgent: undefined,
      proxyJump: undefined,
      userKnownHostsFiles,
      globalKnownHostsFiles: [],
      strictHostKeyChecking: 'yes',
      hashKnownHosts: false,
      // The name the key was recorded under, as an ssh_config HostKeyAlias would give it.
      hostKeyAlias: 'card-board',
      serverAliveIntervalS: 0,
      serverAliveCountMax: 3,
      connectTimeoutS: 10,
      source: 'config-file',
    });
    try {
      const connection = await connectSsh(host([knownHosts]));
      try {
        assert.equal((await connection.execChecked(['echo', 'seeded'])).stdout, 'seeded\n');
      } finally {
        connection.close();
      }
      // A known_hosts with another key for the name: refused as changed.
      const other = join(dir, 'other');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', other]);
      const otherKnown = join(dir, 'known_hosts_other');
      writeFileSync(otherKnown, `card-board ${readFileSync(`${other}.pub`, 'utf-8').trim()}\n`);
      await rejectsWith(connectSsh(host([otherKnown])), 'HOST_KEY_CHANGED');
    } finally {
      await sshd.stop();
    }
    assert.equal(result.added.length, 1);
  });

  it('refuses a card that already has a key unless told; --keep-key records the existing key; replacing says what it replaced', async () => {
    const image = freshImage();
    const knownHosts = join(temp.path, 'kh-existing');
    const first = await seedHostKey({ card: image, names: ['vulpix'], knownHostsFile: knownHosts });
    const before = catFromCard(rootOf(image), HOST_KEY_PATH, temp.path);
    await rejectsWith(seedHostKey({ card: image, names: ['vulpix'], knownHostsFile: knownHosts }), 'INVALID_ARGUMENT', /already has a host key.*--replace-key.*--keep-key.*Nothing was changed/s);
    assert.ok(catFromCard(rootOf(image), HOST_KEY_PATH, temp.path).equals(before));

    const kept = await seedHostKey({ card: image, names: ['vulpix'], knownHostsFile: join(temp.path, 'kh-kept'), existing: 'keep' });
    assert.equal(kept.generated, false);
    assert.equal(kept.fingerprintSha256, first.fingerprintSha256);

    // Stale records: vulpix alone on a line, vulpix in a list with another host, an unrelated host.
    writeFileSync(knownHosts, [`vulpix,10.0.0.9 ${first.publicKeyLine.split(' ').slice(0, 2).join(' ')}`, 'other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', ''].join('\n'));
    const told: number[] = [];
    const replaced = await seedHostKey({ card: image, names: ['vulpix'], knownHostsFile: knownHosts, existing: 'replace', confirmReplace: (r) => Promise.resolve(told.push(r.length) > 0) });
    assert.notEqual(replaced.fingerprintSha256, first.fingerprintSha256);
    assert.deepEqual(told, [1]);
    assert.equal(replaced.replaced.length, 1);
    assert.equal(replaced.replaced[0]?.removed, 'name');
    assert.equal(replaced.replaced[0]?.fingerprintSha256, first.fingerprintSha256);
    const lines = readFileSync(knownHosts, 'utf-8').trim().split('\n');
    assert.equal(lines[0]?.split(' ')[0], '10.0.0.9');
    assert.ok(lines[1]?.startsWith('other.example '));
    assert.equal(lines[2], `vulpix ${replaced.publicKeyLine.split(' ').slice(0, 2).join(' ')}`);
    assert.equal(catFromCard(rootOf(image), `${HOST_KEY_PATH}.pub`, temp.path).toString('utf-8').trim(), replaced.publicKeyLine);

    // Declining the replacement writes nothing anywhere.
    const textBefore = readFileSync(knownHosts, 'utf-8');
    const writeFileAndRead = catFromCard(rootOf(image), HOST_KEY_PATH, temp.path);
    await rejectsWith(seedHostKey({ card: image, names: ['vulpix'], knownHostsFile: knownHosts, existing: 'replace', confirmReplace: () => Promise.resolve(false) }), 'CANCELLED', /Nothing was written/);
    assert.equal(readFileSync(knownHosts, 'utf-8'), textBefore);
    assert.ok(catFromCard(rootOf(image), HOST_KEY_PATH, temp.path).equals(writeFileAndRead));
    const fsck = fsckClean(rootOf(image));
    assert.ok(fsck.ok, fsck.output);
  });

  it('as an ordinary user with umask 077 on an image file (no root): the key files on the card are root:root 0600/0644', async () => {
    // debugfs's write copies the local file's mode, and under umask 077 ssh-keygen's .pub is 0600:
    // only the explicit modes set afterwards give 0644.
    const dir = join(temp.path, 'as-nobody');
    mkdirSync(dir);
    const image = copyImage(pristine, join(dir, 'card.img'));
    const knownHosts = join(dir, 'known_hosts');
    execFileSync('chown', ['-R', 'nobody', dir]);
    execFileSync('chmod', ['755', temp.path]);
    const script = `import('${join(__dirname, '../../../src/core/card/index.ts')}').then((m) => (m.seedHostKey ?? m.default.seedHostKey)({ card: ${JSON.stringify(image)}, names: ['vulpix'], knownHostsFile: ${JSON.stringify(knownHosts)} })).then((r) => console.log(r.fingerprintSha256))`;
    const output = execFileSync('runuser', ['-u', 'nobody', '--', 'sh', '-c', 'umask 077 && exec "$@"', 'sh', 'env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', `HOME=${dir}`, process.execPath, '--import', 'tsx', '-e', script], { cwd: join(__dirname, '../../..'), encoding: 'utf-8' });
    assert.match(output, /^SHA256:/);
    assert.deepEqual(statLine(rootOf(image), HOST_KEY_PATH), { type: 'regular', mode: '0600', uid: '0', gid: '0' });
    assert.deepEqual(statLine(rootOf(image), `${HOST_KEY_PATH}.pub`), { type: 'regular', mode: '0644', uid: '0', gid: '0' });
    assert.equal(statSync(knownHosts).uid, Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf-8' }).trim()));
  });

  it('a known_hosts that cannot be written stops it before the card is changed', async () => {
    const image = freshImage();
    const blocked = join(temp.path, 'not-a-folder');
    writeFileSync(blocked, 'a file where ~/.ssh would be\n');
    await rejectsWith(seedHostKey({ card: image, names: ['vulpix'], knownHostsFile: join(blocked, 'known_hosts') }), 'PERMISSION_DENIED', /Cannot update .*not-a-folder\/known_hosts.*--known-hosts.*vulpix ssh-ed25519 /s);
    assert.doesNotMatch(debugfs(rootOf(image), 'ls -l /'), /\betc\b/);
  });

  it('on a loop device: writes the key (the kernel sees 0600 root after mounting), then refuses the mounted card', async () => {
    const image = freshImage();
    const card = attachCard(image);
    loops.push(card);
    const knownHosts = join(temp.path, 'kh-loop');
    const result = await seedHostKey({ card: card.path, names: ['vulpix'], knownHostsFile: knownHosts });
    assert.equal(result.partition, 2);
    assert.deepEqual(statLine(card.rootPartition, HOST_KEY_PATH), { type: 'regular', mode: '0600', uid: '0', gid: '0' });
    const fsck = fsckClean(card.rootPartition);
    assert.ok(fsck.ok, fsck.output);

    const mnt = join(temp.path, 'mnt-loop');
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-o', 'ro', card.rootPartition, mnt]);
    mounts.push(mnt);
    const seen = statSync(join(mnt, 'etc/ssh/ssh_host_ed25519_key'));
    assert.equal(seen.mode & 0o777, 0o600);
    assert.equal(seen.uid, 0);
    assert.equal(readFileSync(join(mnt, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf-8').trim(), result.publicKeyLine);

    await rejectsWith(seedHostKey({ card: card.path, names: ['vulpix'], knownHostsFile: knownHosts, existing: 'replace' }), 'DRIVE_MOUNTED', /mounted at .*mnt-loop.*Unmount it first/s);
    await rejectsWith(setCardBootDefault({ card: card.path, entry: '4' }), 'DRIVE_MOUNTED');
    // The image file behind a mounted loop device is refused too.
    await rejectsWith(setCardBootDefault({ card: image, entry: '4' }), 'DRIVE_MOUNTED', /through \/dev\/loop/);
    execFileSync('umount', [mnt]);
    mounts.pop();

    // Unmounted again: the boot default can be set through the device.
    const set = await setCardBootDefault({ card: card.path, entry: '4' });
    assert.equal(set.newDefault, 'nixos-4');
    assert.match(debugfs(card.rootPartition, 'cat /boot/extlinux/extlinux.conf'), /^DEFAULT nixos-4$/m);
    card.detach();
  });

  it('shows the boot menu as u-boot numbers it, with the entry whose kernel is missing marked', async () => {
    const menu = await readCardBootMenu({ card: freshImage() });
    assert.deepEqual(menu.entries.map((e) => [e.number, e.label, e.isDefault, e.generation]), [
      [1, 'nixos-default', true, undefined],
      [2, 'nixos-5', false, 5],
      [3, 'nixos-3', false, 3],
      [4, 'nixos-4', false, 4],
    ]);
    assert.equal(menu.entries[0]?.text, 'NixOS - Default');
    assert.deepEqual(menu.entries.map((e) => e.problems.length), [0, 0, 2, 0]);
    assert.match(menu.entries[2]?.problems.join(' ') ?? '', /kernel \/boot\/nixos\/k3-zImage is missing/);
    assert.equal(menu.text, EXTLINUX_CONF);
  });

  it('sets the default to a generation by its label (labels out of order), reads it back, changes nothing else', async () => {
    const image = freshImage();
    const result = await setCardBootDefault({ card: image, entry: '4' });
    assert.equal(result.changed, true);
    assert.equal(result.previousDefault, 'nixos-default');
    assert.equal(result.newDefault, 'nixos-4');
    const onCard = catFromCard(rootOf(image), '/boot/extlinux/extlinux.conf', temp.path).toString('utf-8');
    assert.equal(onCard, EXTLINUX_CONF.replace('DEFAULT nixos-default', 'DEFAULT nixos-4'));
    assert.deepEqual(result.menu.entries.filter((e) => e.isDefault).map((e) => e.label), ['nixos-4']);
    assert.deepEqual(statLine(rootOf(image), '/boot/extlinux/extlinux.conf'), { type: 'regular', mode: '0644', uid: '0', gid: '0' });
    assert.doesNotMatch(debugfs(rootOf(image), 'ls /boot/extlinux'), /nixos-devices/);
    let fsck = fsckClean(rootOf(image));
    assert.ok(fsck.ok, fsck.output);
    // Setting it again is a no-op; back to "default" works by name.
    assert.equal((await setCardBootDefault({ card: image, entry: '4' })).changed, false);
    await setCardBootDefault({ card: image, entry: 'default' });
    assert.equal(catFromCard(rootOf(image), '/boot/extlinux/extlinux.conf', temp.path).toString('utf-8'), EXTLINUX_CONF);
    fsck = fsckClean(rootOf(image));
    assert.ok(fsck.ok, fsck.output);
  });

  it('refuses an entry whose kernel is missing, and a generation that is not in the menu, leaving the card as it was', async () => {
    const image = freshImage();
    await rejectsWith(setCardBootDefault({ card: image, entry: '3' }), 'NOT_FOUND', /Not making .*nixos-3.*k3-zImage is missing.*not changed/s);
    await rejectsWith(setCardBootDefault({ card: image, entry: '9' }), 'NOT_FOUND', /no entry for generation 9; it has generations 3, 4, 5/);
    assert.equal(catFromCard(rootOf(image), '/boot/extlinux/extlinux.conf', temp.path).toString('utf-8'), EXTLINUX_CONF);
  });

  it('a corrupt extlinux.conf gives a clear error, and a card without one says so', async () => {
    const dir = join(temp.path, 'corrupt');
    const binary = await buildCardImage(dir, `DEFAULT nixos-default\n\u0000\u0001\u00ff garbage`, 'binary.img');
    await rejectsWith(readCardBootMenu({ card: binary }), 'PARSE_FAILED', /extlinux\.conf on partition 2.*not a text file.*corrupt/s);
    const noLabels = await buildCardImage(dir, 'DEFAULT nixos-default\nTIMEOUT 10\n', 'nolabels.img');
    await rejectsWith(setCardBootDefault({ card: noLabels, entry: '4' }), 'PARSE_FAILED', /no LABEL entries/);
    const plain = join(temp.path, 'plain.img');
    execFileSync('truncate', ['-s', '8M', plain]);
    await rejectsWith(readCardBootMenu({ card: plain }), 'IMAGE_INVALID', /no partition table and no ext4 file system/);
  });
});

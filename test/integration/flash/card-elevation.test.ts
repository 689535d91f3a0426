/**
 * Card tools through the elevation path, as a user would take it: a non-root user (created by this
 * test, with a sudo rule made for it) works on a NixOS-style card on a root-owned loop device it
 * cannot read or write. core/flash-elevation runs our CLI's `card … --json` under `sudo`; the
 * boot menu comes back, the default is set and read back, and the host key lands on the card as
 * root while the user's known_hosts is written by the user (still theirs, not root's), with the
 * stale entry it replaced listed beforehand. CI runs as root, so the user is made here and
 * removed after; the loop device is detached even when a test fails.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { elevatedCardArgv } from '../../../src/core/flash-elevation';
import { checkHostKey, parseKnownHosts } from '../../../src/core/remote';
import { makeTempDir } from '../../harness/temp-dir';
import { attachCard, buildCardImage, catFromCard, type LoopCard } from '../card/card-fixture';

const USER = 'nd-card-elevation';
const SUDOERS = `/etc/sudoers.d/${USER}`;
const repo = join(__dirname, '..', '..', '..');
const NAME = '[127.0.0.1]:2222';
/** A stale record of the board's name: a well-formed ed25519 key that is not the card's. */
const STALE_BLOB = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
const STALE = `${NAME} ssh-ed25519 ${STALE_BLOB.toString('base64')}\n`;

function sh(argv: readonly string[]): string {
  const [program, ...args] = argv;
  return execFileSync(program ?? 'false', args, { encoding: 'utf-8' });
}

describe('card tools through sudo as a non-root user', () => {
  const tmp = makeTempDir('card-elevation');
  const home = join(tmp.path, 'home');
  let card: LoopCard | undefined;
  let uid = -1;

  before(async () => {
    chmodSync(tmp.path, 0o755);
    const image = await buildCardImage(join(tmp.path, 'build'));
    card = attachCard(image);
    chmodSync(card.path, 0o660); // root:disk, as udev leaves a card
    if (spawnSync('id', ['-u', USER]).status !== 0) sh(['useradd', '--no-create-home', '--shell', '/bin/sh', USER]);
    uid = Number(sh(['id', '-u', USER]).trim());
    // The test rule: this user may run the helper's `env …` as root without a password.
    writeFileSync(SUDOERS, `${USER} ALL=(root) NOPASSWD: /usr/bin/env\n`, { mode: 0o440 });
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'known_hosts'), STALE, { mode: 0o600 });
    for (const path of [home, join(home, '.ssh'), join(home, '.ssh', 'known_hosts')]) chownSync(path, uid, uid);
    accessSync(join(repo, 'dist/cli.js'), constants.R_OK);
  });

  after(() => {
    card?.detach();
    rmSync(SUDOERS, { force: true });
    spawnSync('userdel', [USER]);
    tmp.remove();
  });

  /** Runs a TypeScript snippet as the user (tsx from the repository), returns its last JSON line. */
  function asUser(name: string, body: string): Record<string, unknown> {
    const script = join(tmp.path, `${name}.ts`);
    writeFileSync(
      script,
      `import * as elevation from ${JSON.stringify(join(repo, 'src/core/flash-elevation'))};
const base = { method: 'sudo' as const, runtimePath: process.execPath, cliPath: ${JSON.stringify(join(repo, 'dist/cli.js'))} };
async function main(): Promise<unknown> { ${body} }
main().then((r) => console.log(JSON.stringify(r)), (e: Error & { code?: string }) => console.log(JSON.stringify({ error: e.message, code: e.code })));
`,
    );
    chmodSync(script, 0o644);
    const out = execFileSync('runuser', ['-u', USER, '--', process.execPath, '--import', 'tsx', script], {
      encoding: 'utf-8',
      // `--import tsx` resolves from the working directory: the repository's node_modules.
      cwd: repo,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, TMPDIR: home },
    });
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  }

  it('the user cannot read or write the card itself', () => {
    assert.ok(card);
    const result = spawnSync('runuser', ['-u', USER, '--', 'sh', '-c', `test -w ${card.path} || test -r ${card.path}`]);
    assert.notEqual(result.status, 0);
  });

  it('reads the menu, sets the default by generation and reads it back, through sudo', () => {
    assert.ok(card);
    const out = asUser(
      'boot-menu',
      `const menu = await elevation.elevatedReadCardBootMenu({ ...base, card: ${JSON.stringify(card.path)} });
const set = await elevation.elevatedSetCardBootDefault({ ...base, card: ${JSON.stringify(card.path)}, entry: '4' });
const missing = await elevation.elevatedSetCardBootDefault({ ...base, card: ${JSON.stringify(card.path)}, entry: '3' }).then(() => 'set', (e: Error & { code?: string }) => ({ code: e.code, message: e.message }));
return { menu, set, missing };`,
    );
    const menu = out['menu'] as { entries: { number: number; label: string; isDefault: boolean; problems: string[] }[] } | undefined;
    assert.ok(menu, JSON.stringify(out));
    assert.deepEqual(menu.entries.map((e) => e.label), ['nixos-default', 'nixos-5', 'nixos-3', 'nixos-4']);
    assert.equal(menu.entries.find((e) => e.isDefault)?.label, 'nixos-default');
    assert.ok((menu.entries.find((e) => e.label === 'nixos-3')?.problems.length ?? 0) > 0, 'generation 3 has no kernel on the card');
    const set = out['set'] as { newDefault: string; previousDefault: string; changed: boolean; menu: { defaultLabel: string } };
    assert.equal(set.newDefault, 'nixos-4');
    assert.equal(set.previousDefault, 'nixos-default');
    assert.equal(set.changed, true);
    assert.equal(set.menu.defaultLabel, 'nixos-4');
    // The card's own file, read independently as root.
    assert.match(catFromCard(card.rootPartition, '/boot/extlinux/extlinux.conf', tmp.path).toString('utf-8'), /^DEFAULT nixos-4$/m);
    // The CLI's refusal comes back as its own message, not as an elevation failure.
    const missing = out['missing'] as { code: string; message: string };
    assert.notEqual(missing.code, 'ELEVATION_FAILED', missing.message);
    assert.match(missing.message, /nixos-3|kernel|initrd/i);
  });

  it('writes the host key to the card as root and records it in the user\'s own known_hosts, after listing what it replaces', () => {
    assert.ok(card);
    const knownHosts = join(home, '.ssh', 'known_hosts');
    const out = asUser(
      'host-key',
      `const preview = await elevation.previewReplacedHostKeys(${JSON.stringify(knownHosts)}, [${JSON.stringify(NAME)}], false);
const result = await elevation.elevatedSeedHostKey({ ...base, card: ${JSON.stringify(card.path)}, host: '127.0.0.1', names: [${JSON.stringify(NAME)}], knownHostsFile: ${JSON.stringify(knownHosts)} });
return { preview, result };`,
    );
    const preview = out['preview'] as { line: number; removed: string }[] | undefined;
    assert.ok(preview, JSON.stringify(out));
    assert.deepEqual(preview.map((p) => [p.line, p.removed]), [[1, 'line']]);
    const result = out['result'] as { fingerprintSha256: string; publicKeyLine: string; replaced: { line: number }[]; knownHostsFile: string; generated: boolean };
    assert.equal(result.generated, true);
    assert.equal(result.knownHostsFile, knownHosts);
    assert.deepEqual(result.replaced.map((r) => r.line), [1]);
    // On the card, read independently: the key the result names.
    const onCard = catFromCard(card.rootPartition, '/etc/ssh/ssh_host_ed25519_key.pub', tmp.path).toString('utf-8').trim();
    assert.equal(onCard, result.publicKeyLine.trim());
    const blob = Buffer.from(onCard.split(' ')[1] ?? '', 'base64');
    const text = readFileSync(knownHosts, 'utf-8');
    assert.ok(!text.includes(STALE.trim()), 'the stale line is gone');
    assert.equal(checkHostKey(parseKnownHosts(text, knownHosts), NAME, blob).kind, 'known');
    // Written by the user, not by root: still theirs, still 0600.
    const stat = statSync(knownHosts);
    assert.equal(stat.uid, uid);
    assert.equal(stat.mode & 0o777, 0o600);
  });

  it('builds argv with the card last and the password going to stdin, never onto the command line', () => {
    const argv = elevatedCardArgv({ method: 'sudo', runtimePath: '/r', cliPath: '/c.js', cardArgs: ['boot-menu', '--set-default', '4', '/dev/sdz'], withPassword: true });
    assert.deepEqual(argv, ['sudo', '-S', '-p', '', '-k', '--', 'env', 'ELECTRON_RUN_AS_NODE=1', '/r', '/c.js', 'card', 'boot-menu', '--set-default', '4', '/dev/sdz', '--json']);
    const pkexec = elevatedCardArgv({ method: 'pkexec', runtimePath: '/r', cliPath: '/c.js', cardArgs: ['boot-menu', '/dev/sdz'] });
    assert.deepEqual(pkexec.slice(0, 6), ['pkexec', 'env', 'ELECTRON_RUN_AS_NODE=1', '/r', '/c.js', 'card']);
    assert.deepEqual(elevatedCardArgv({ method: 'sudo', runtimePath: '/r', cliPath: '/c.js', cardArgs: ['boot-menu', '/x.img'] }).slice(0, 3), ['sudo', '-n', '--']);
  });
});

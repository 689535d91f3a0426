/**
 * The elevation path as a user would take it: a non-root user (created by this test, with a sudo
 * rule made for it) flashes a root-owned loop device it cannot write. core/flash-elevation runs
 * our CLI under `sudo`, the CLI re-applies the drive policy as root, and the result's hashes come
 * back through its JSON events. CI runs as root, so the user is made here and removed after.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { elevatedFlashArgv } from '../../../src/core/flash-elevation';
import { makeTempDir } from '../../harness/temp-dir';
import { attachLoop, buildImages, sha256File, type TestImages } from './images';

const USER = 'nd-flash-elevation';
const SUDOERS = `/etc/sudoers.d/${USER}`;
const repo = join(__dirname, '..', '..', '..');

function sh(argv: readonly string[]): string {
  const [program, ...args] = argv;
  return execFileSync(program ?? 'false', args, { encoding: 'utf-8' });
}

describe('flashing through sudo as a non-root user', () => {
  const tmp = makeTempDir('elevation');
  let images: TestImages;
  let loop: ReturnType<typeof attachLoop>;

  before(() => {
    chmodSync(tmp.path, 0o755);
    images = buildImages(tmp.path, { sizeMib: 16, randomMib: 2 });
    chmodSync(images.zst, 0o644);
    loop = attachLoop(join(tmp.path, 'card.bin'), 24);
    chmodSync(loop.path, 0o660); // root:disk, as udev leaves a card
    if (spawnSync('id', ['-u', USER]).status !== 0) sh(['useradd', '--no-create-home', '--shell', '/bin/sh', USER]);
    // The test rule: this user may run the helper's `env …` as root without a password.
    writeFileSync(SUDOERS, `${USER} ALL=(root) NOPASSWD: /usr/bin/env\n`, { mode: 0o440 });
  });

  after(() => {
    loop.detach();
    rmSync(SUDOERS, { force: true });
    spawnSync('userdel', [USER]);
    tmp.remove();
  });

  it('the user cannot write the device itself', () => {
    const result = spawnSync('runuser', ['-u', USER, '--', 'sh', '-c', `test -w ${loop.path}`]);
    assert.notEqual(result.status, 0);
  });

  it('writes and verifies the image through sudo and returns both hashes', () => {
    const script = join(tmp.path, 'flash-as-user.ts');
    writeFileSync(
      script,
      `import { startElevatedFlash } from ${JSON.stringify(join(repo, 'src/core/flash-elevation'))};
const job = startElevatedFlash({ method: 'sudo', runtimePath: process.execPath, cliPath: ${JSON.stringify(join(repo, 'dist/cli.js'))},
  image: ${JSON.stringify(images.zst)}, target: ${JSON.stringify(loop.path)}, verify: true, allowNonRemovable: true, eject: false });
const phases: string[] = [];
job.onEvent((e) => { if (e.kind === 'phase') phases.push(e.phase); });
job.done.then((o) => { console.log(JSON.stringify({ outcome: o.status === 'succeeded' ? o.value : { status: o.status, message: o.error.message }, phases })); });
`,
    );
    chmodSync(script, 0o644);
    const home = join(tmp.path, 'home');
    mkdirSync(home, { mode: 0o1777 });
    chmodSync(home, 0o1777);
    accessSync(join(repo, 'dist/cli.js'), constants.R_OK);
    const out = execFileSync('runuser', ['-u', USER, '--', process.execPath, '--import', 'tsx', script], {
      encoding: 'utf-8',
      // `--import tsx` resolves from the working directory: the repository's node_modules.
      cwd: repo,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, TMPDIR: home },
    });
    const parsed = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { outcome: Record<string, unknown>; phases: string[] };
    assert.equal(parsed.outcome['writtenSha256'], images.sha256, JSON.stringify(parsed.outcome));
    assert.equal(parsed.outcome['imageFileSha256'], sha256File(images.zst));
    assert.equal(parsed.outcome['verified'], true);
    assert.ok(parsed.phases.includes('writing') && parsed.phases.includes('verifying'), parsed.phases.join(','));
    const written = readFileSync(loop.backing).subarray(0, images.size);
    assert.ok(written.equals(readFileSync(images.raw)), 'the card holds the image');
  });

  it('builds argv with the password going to stdin, never onto the command line', () => {
    const argv = elevatedFlashArgv({ method: 'sudo', runtimePath: '/r', cliPath: '/c.js', image: '/i', target: '/dev/sdz', verify: false, allowNonRemovable: false, eject: true, withPassword: true });
    assert.deepEqual(argv.slice(0, 6), ['sudo', '-S', '-p', '', '-k', '--']);
    assert.deepEqual(argv.slice(-2), ['/i', '/dev/sdz']);
    assert.ok(argv.includes('--no-verify') && argv.includes('--eject') && !argv.includes('--allow-non-removable'));
    const pkexec = elevatedFlashArgv({ method: 'pkexec', runtimePath: '/r', cliPath: '/c.js', image: '/i', target: '/dev/sdz', verify: true, allowNonRemovable: false, eject: false });
    assert.deepEqual(pkexec.slice(0, 5), ['pkexec', 'env', 'ELECTRON_RUN_AS_NODE=1', '/r', '/c.js']);
  });
});

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { drivesCommand } from '../../../src/cli/drives';
import { flashCommand, type FlashCliIo } from '../../../src/cli/flash';
import { makeTempDir } from '../../harness/temp-dir';
import { buildImages, sha256File, type TestImages } from './images';

interface CapturedIo {
  readonly io: FlashCliIo;
  out(): string;
  err(): string;
}

function capture(options: { stderrTty?: boolean; stdin?: NodeJS.ReadableStream & { isTTY?: boolean } } = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.stderrTty === true });
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return {
    io: { stdout, stderr, cwd: process.cwd(), env: process.env, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) },
    out: () => out,
    err: () => err,
  };
}

describe('nixos-devices flash and drives', () => {
  const temp = makeTempDir('flash-cli');
  let images: TestImages;
  before(() => {
    images = buildImages(join(temp.path, 'img'), { sizeMib: 16, randomMib: 1 });
  });
  after(() => temp.remove());

  function targetFile(name: string): string {
    const path = join(temp.path, name);
    writeFileSync(path, '');
    return path;
  }

  it('prints the SHA-256 of the image file and of the bytes written', async () => {
    const c = capture();
    const code = await flashCommand([images.zst, targetFile('out.img'), '--yes', '--allow-non-removable'], c.io, new AbortController().signal);
    assert.equal(code, 0, c.err());
    assert.match(c.out(), new RegExp(`SHA-256 of the image file: +${sha256File(images.zst)}`));
    assert.match(c.out(), new RegExp(`SHA-256 of the bytes written: ${images.sha256}`));
    assert.match(c.out(), /verified/);
  });

  it('prints JSON event lines with --json, ending in the result with both hashes', async () => {
    const c = capture();
    const code = await flashCommand([images.xz, targetFile('json.img'), '--yes', '--allow-non-removable', '--json', '--no-verify'], c.io, new AbortController().signal);
    assert.equal(code, 0);
    const events = c.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      events.filter((e) => e['event'] === 'phase').map((e) => e['phase']),
      ['checking', 'wiping', 'writing', 'finishing'],
    );
    assert.ok(events.some((e) => e['event'] === 'progress' && e['done'] === images.size));
    const result = events.at(-1);
    assert.equal(result?.['event'], 'result');
    assert.equal(result?.['writtenSha256'], images.sha256);
    assert.equal(result?.['imageFileSha256'], sha256File(images.xz));
    assert.equal(result?.['verified'], false);
  });

  it('draws a progress line on a terminal', async () => {
    const c = capture({ stderrTty: true });
    assert.equal(await flashCommand([images.gz, targetFile('tty.img'), '--yes', '--allow-non-removable'], c.io, new AbortController().signal), 0);
    // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence is the point
    assert.match(c.err(), /\r\x1b\[K(writing|verifying) \d+%/);
  });

  it('refuses to flash without --yes when stdin is not a terminal, writing nothing', async () => {
    const c = capture({ stdin: Object.assign(new PassThrough(), { isTTY: false }) });
    const target = targetFile('refused.img');
    await assert.rejects(flashCommand([images.zst, target, '--allow-non-removable'], c.io, new AbortController().signal), /stdin is not a terminal.*--yes.*Nothing was written/s);
    assert.equal(sha256File(target), sha256File('/dev/null'));
  });

  it('asks on a terminal, naming the drive, and stops when the answer is not yes', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const c = capture({ stdin });
    const target = targetFile('asked.img');
    const running = flashCommand([images.zst, target, '--allow-non-removable'], c.io, new AbortController().signal);
    stdin.end('no\n');
    await assert.rejects(running, /Not confirmed\. Nothing was written/);
    assert.match(c.err(), /Write nixos-sd-image\.img\.zst \(16\.8 MB\) to\n {2}file \(0 B\) .*asked\.img\n.*Type "yes"/s);
  });

  it('lists this machine\'s system disk as refused, with --json', async () => {
    const c = capture();
    assert.equal(await drivesCommand(['--json'], c.io, new AbortController().signal), 0);
    const list = JSON.parse(c.out()) as { drive: { path: string; mountpoints: string[] }; allowed: boolean; problems: { code: string }[] }[];
    const root = list.find((a) => a.drive.mountpoints.includes('/'));
    assert.ok(root !== undefined, 'some disk holds /');
    assert.equal(root.allowed, false);
    assert.equal(root.problems[0]?.code, 'DRIVE_IS_SYSTEM');
  });
});

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { checkCommand } from '../../../src/cli/check';
import type { CliIo } from '../../../src/cli/main';
import { makeTempDir } from '../../harness/temp-dir';

/** A CliIo whose streams collect what the command writes. */
function fakeIo(cwd: string): CliIo & { out(): string; err(): string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback): void {
        into.push(chunk.toString());
        callback();
      },
    });
  return { stdout: sink(chunks.out), stderr: sink(chunks.err), cwd, env: {}, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}

const signal = new AbortController().signal;

describe('nixos-devices check', () => {
  const dir = makeTempDir('check');
  before(() => {
    copyFileSync(join(__dirname, '../../fixtures/seed/05-deploy-rs-before-binfmt.nix'), join(dir.path, 'broken.nix'));
    writeFileSync(join(dir.path, 'clean.nix'), '{ a = 1; }\n');
    writeFileSync(join(dir.path, 'hint.nix'), 'let unused = 1; in 2\n');
    writeFileSync(join(dir.path, 'bad syntax.nix'), '{ a = ; }\n');
    mkdirSync(join(dir.path, 'folder.nix'));
  });
  after(() => dir.remove());

  it('prints compiler-style lines with 1-based positions and exits 1 on errors', async () => {
    const io = fakeIo(dir.path);
    const status = await checkCommand(['broken.nix'], io, signal);
    assert.equal(status, 1);
    const lines = io.out().trimEnd().split('\n');
    assert.ok(lines.some((l) => l.startsWith('broken.nix:50:16: error deploy-activate-system-mismatch: ')), io.out());
    assert.ok(lines.some((l) => l.startsWith('broken.nix:32:10: error invalid-ssh-public-key: ')), io.out());
    assert.ok(lines.every((l) => /^broken\.nix:\d+:\d+: (error|warning|information|hint) [a-z0-9-]+: \S/.test(l)), io.out());
  });

  it('writes the JSON shape with 0-based LSP ranges', async () => {
    const io = fakeIo(dir.path);
    const status = await checkCommand(['--format', 'json', 'bad syntax.nix', 'clean.nix'], io, signal);
    assert.equal(status, 1);
    const parsed: unknown = JSON.parse(io.out());
    assert.deepEqual(parsed, [
      {
        file: 'bad syntax.nix',
        diagnostics: [
          {
            code: 'syntax-error',
            severity: 'error',
            message: (parsed as { diagnostics: { message: string }[] }[])[0]?.diagnostics[0]?.message,
            range: { start: { line: 0, character: 6 }, end: { line: 0, character: 7 } },
          },
        ],
      },
      { file: 'clean.nix', diagnostics: [] },
    ]);
  });

  it('exits 0 when only hints and warnings are found', async () => {
    const io = fakeIo(dir.path);
    assert.equal(await checkCommand(['--format=text', 'hint.nix'], io, signal), 0);
    assert.match(io.out(), /^hint\.nix:1:5: hint unused-binding: 'unused' is bound but never used/);
  });

  it('names a file it cannot read, checks the others and exits 1', async () => {
    const io = fakeIo(dir.path);
    const status = await checkCommand(['missing.nix', 'folder.nix', 'clean.nix'], io, signal);
    assert.equal(status, 1);
    assert.match(io.err(), /cannot read missing\.nix: no such file/);
    assert.match(io.err(), /cannot read folder\.nix: it is a directory/);
    assert.equal(io.out(), '');
  });

  it('exits 2 on usage errors: no file, unknown format, unknown flag', async () => {
    for (const args of [[], ['--format', 'xml', 'clean.nix'], ['--verbose', 'clean.nix']]) {
      const io = fakeIo(dir.path);
      assert.equal(await checkCommand(args, io, signal), 2, args.join(' '));
      assert.match(io.err(), /Usage: nixos-devices check/);
    }
  });
});

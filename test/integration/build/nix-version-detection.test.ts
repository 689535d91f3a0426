import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { NixCli } from '../../../src/core/nix';
import { makeTempDir } from '../../harness/temp-dir';

/** A stand-in `nix` that appends its argv to calls.log, so a test sees every process started. */
function standIn(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "$*" >> '${join(dir, `${name}.calls`)}'\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const calls = (program: string): string[] => readFileSync(`${program}.calls`, 'utf-8').trim().split('\n');

describe('NixCli version detection: no nix --version in series with a call', () => {
  const temp = makeTempDir('nix-version');
  after(() => temp.remove());

  it('runs a call without asking the version first', async () => {
    const program = standIn(
      temp.path,
      'nix-ok',
      `case "$1" in --version) echo "nix (Nix) 2.8.0"; exit 0;; esac
echo '@nix {"action":"msg","level":3,"msg":"fine"}' >&2
echo '[]'`,
    );
    const nix = new NixCli({ program });
    const result = await nix.run(['build', '.#x']);
    assert.equal(result.exec.exitCode, 0);
    assert.deepEqual(calls(program), ['--extra-experimental-features nix-command flakes build .#x --log-format internal-json']);
    assert.equal((await nix.version()).text, 'nix (Nix) 2.8.0'); // still there for who needs it
  });

  it('keeps a failure Nix reported as it is, without asking the version', async () => {
    const program = standIn(
      temp.path,
      'nix-fails',
      `case "$1" in --version) echo "nix (Nix) 2.8.0"; exit 0;; esac
echo '@nix {"action":"msg","level":0,"msg":"error: attribute missing"}' >&2
exit 1`,
    );
    const result = await new NixCli({ program }).run(['build', '.#x']);
    assert.equal(result.exec.exitCode, 1);
    assert.deepEqual(result.messages.map((m) => m.text), ['error: attribute missing']);
    assert.equal(calls(program).length, 1);
  });

  it('says NIX_MISSING with how to install Nix when the program is not there', async () => {
    await assert.rejects(new NixCli({ program: join(temp.path, 'no-such-nix') }).run(['build', '.#x']), (error: unknown) => {
      assert.ok(error instanceof DevicesError);
      assert.equal(error.code, 'NIX_MISSING');
      assert.match(error.message, /apt install nix-bin/);
      return true;
    });
  });

  it('says NIX_MISSING when the program fails without a line of Nix log and is not Nix', async () => {
    const program = standIn(temp.path, 'not-nix', `echo "usage: not-nix FILE" >&2\nexit 2`);
    await assert.rejects(new NixCli({ program }).run(['build', '.#x']), (error: unknown) => {
      assert.ok(error instanceof DevicesError);
      assert.equal(error.code, 'NIX_MISSING');
      assert.match(error.message, /did not print a Nix version/);
      return true;
    });
    assert.equal(calls(program).at(-1), '--version');
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildCommand } from '../../../src/cli/build';
import type { CliIo } from '../../../src/cli/main';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { copyBuildFlake } from '../../harness/build-flakes';

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function io(cwd: string, options: { readonly tty?: boolean } = {}): CliIo & { stdout: Capture; stderr: Capture } {
  return { stdout: new Capture(), stderr: new Capture(options.tty === true), cwd, env: { ...process.env, ...nixTestEnv() } };
}

describe('nixos-devices build', { timeout: 120_000 }, () => {
  const temp = makeTempDir('cli-build');
  let chain = '';
  let broken = '';
  before(() => {
    chain = copyBuildFlake('chain', temp.path);
    broken = copyBuildFlake('eval-error', temp.path);
  });
  after(() => temp.remove());

  it('prints JSON event lines whose final result carries the result paths', async () => {
    const cli = io(chain);
    const status = await buildCommand(['--json', '.#good'], cli, new AbortController().signal);
    assert.equal(status, 0);
    const events = cli.stdout.text.trim().split('\n').map((l) => JSON.parse(l) as { event: string; status?: string; paths?: string[]; counts?: { done: number } });
    assert.ok(events.some((e) => e.event === 'progress'));
    const last = events.at(-1);
    assert.equal(last?.event, 'result');
    assert.equal(last?.status, 'succeeded');
    assert.match(last?.paths?.[0] ?? '', /^\/nix\/store\/\w{32}-good-base-1\.0$/);
    assert.equal(events.filter((e) => e.event === 'progress').at(-1)?.counts?.done, 1);
  });

  it('draws one rewritten progress line on a terminal and prints the result path', async () => {
    const cli = io(chain, { tty: true });
    const status = await buildCommand(['.#wide'], cli, new AbortController().signal);
    assert.equal(status, 0);
    assert.ok(cli.stderr.text.startsWith('\r\u001b[K['), 'rewrites the line in place');
    assert.match(cli.stderr.text, /\[\d+\/50 built, \d running/);
    assert.ok(!cli.stderr.text.includes('\n'));
    assert.match(cli.stdout.text, /^\/nix\/store\/\w{32}-bench-\w+-x1-2\.0\n$/);
  });

  it('prints an evaluation error as file:line:col: error: for problem matchers and exits with nix status', async () => {
    const cli = io(broken);
    const status = await buildCommand(['.#broken'], cli, new AbortController().signal);
    assert.equal(status, 1);
    const errorLines = cli.stderr.text.split('\n').filter((l) => l.includes('error:'));
    assert.deepEqual(errorLines, [`${join(broken, 'flake.nix')}:9:26: error: Evaluating .#broken failed: cannot add a string to an integer`]);
  });

  it('prints the failing derivation and its last log lines', async () => {
    const cli = io(chain);
    const status = await buildCommand(['.#failing'], cli, new AbortController().signal);
    assert.equal(status, 1);
    assert.match(cli.stderr.text, /error: Building \.#failing failed: failing-3\.1: builder for .* failed with exit code 3\n {2}last log lines of failing-3\.1:\n(?: {4}.*\n)*? {4}error: unit 31 does not compile\n$/);
  });

  it('rejects a call without installables as a usage error', async () => {
    await assert.rejects(buildCommand([], io(chain), new AbortController().signal), { code: 'INVALID_ARGUMENT' });
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { run, runChecked, spawnProcess } from '../../../src/core/exec';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('exec against real programs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nd-exec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes argv through without a shell', async () => {
    const hostile = '$(touch /tmp/nd-should-not-exist); echo "quoted" \'x\'\nnewline';
    const result = await runChecked(['printf', '%s', hostile]);
    assert.equal(result.stdout, hostile);
  });

  it('streams stdout and stderr by line and reports the exit code', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await run(['sh', '-c', 'echo one; echo two >&2; printf three; exit 3'], {
      onStdoutLine: (l) => out.push(l),
      onStderrLine: (l) => err.push(l),
    });
    assert.equal(result.exitCode, 3);
    assert.deepEqual(out, ['one', 'three']);
    assert.deepEqual(err, ['two']);
  });

  it('applies env overrides and removes variables set to undefined', async () => {
    const result = await runChecked(['sh', '-c', 'echo "$ND_A:${HOME-unset}:$LC_ALL"'], {
      env: { ND_A: 'a', HOME: undefined },
      parseable: true,
    });
    assert.equal(result.stdout.trim(), 'a:unset:C');
  });

  it('feeds stdin', async () => {
    const result = await runChecked(['cat'], { stdin: 'hello' });
    assert.equal(result.stdout, 'hello');
  });

  it('fails a missing program with SPAWN_FAILED naming it', async () => {
    await assert.rejects(run(['nd-no-such-program-xyz']), (error: unknown) => {
      assert.ok(error instanceof DevicesError);
      assert.equal(error.code, 'SPAWN_FAILED');
      assert.match(error.message, /nd-no-such-program-xyz.*not installed/);
      return true;
    });
  });

  it('cancels the whole process group, grandchildren included, and reports CANCELLED', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const controller = new AbortController();
    // The grandchild ignores SIGINT so the escalation to SIGTERM is exercised too.
    const { result } = spawnProcess(['sh', '-c', `sh -c 'trap "" INT; echo $$ > ${pidFile}; exec sleep 60' & wait`], {
      signal: controller.signal,
      killGraceMs: 200,
    });
    const deadline = Date.now() + 5000;
    let grandchild = 0;
    while (grandchild === 0 && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
      try {
        grandchild = Number(readFileSync(pidFile, 'utf-8').trim());
      } catch {
        // not written yet
      }
    }
    assert.ok(grandchild > 0, 'the grandchild started');
    controller.abort();
    await assert.rejects(result, (error: unknown) => error instanceof DevicesError && error.code === 'CANCELLED');
    const gone = Date.now() + 3000;
    while (alive(grandchild) && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(grandchild), false, 'no orphan left');
  });
});

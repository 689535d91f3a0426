import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chooseShimDir, installCliShim } from '../../../../src/core/cli-shim';
import { makeTempDir } from '../../../harness/temp-dir';

describe('CLI shim', () => {
  const dir = makeTempDir('shim');
  after(() => dir.remove());

  it('prefers a user bin folder that is on PATH', () => {
    assert.deepEqual(chooseShimDir('/home/u', '/usr/bin:/home/u/bin'), { dir: '/home/u/bin', onPath: true });
    assert.deepEqual(chooseShimDir('/home/u', '/usr/bin'), { dir: '/home/u/.local/bin', onPath: false });
  });

  it('writes a shim that runs the CLI with the runtime, passing arguments intact, even from a path with quotes and spaces', async () => {
    const odd = join(dir.path, "ext dir 'quoted' $(x)");
    execFileSync('mkdir', ['-p', odd]);
    const cli = join(odd, 'cli.js');
    writeFileSync(cli, 'console.log(JSON.stringify(process.argv.slice(2)));');
    const shim = await installCliShim({ runtimePath: process.execPath, cliPath: cli, dir: join(dir.path, 'bin') });
    const out = execFileSync(shim, ['a b', '$(touch nope)', "it's"], { encoding: 'utf-8' });
    assert.deepEqual(JSON.parse(out), ['a b', '$(touch nope)', "it's"]);
  });

  it('refuses when the bundled CLI is missing', async () => {
    await assert.rejects(installCliShim({ runtimePath: process.execPath, cliPath: join(dir.path, 'none.js'), dir: dir.path }), /bundled CLI is missing/);
  });
});

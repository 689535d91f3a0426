/**
 * `nix flake check --no-build` through core: real Nix on small flakes, problems at the local
 * file and line (not the store copy), named outputs placed at their definition, and the
 * warnings about outputs this extension uses (deploy, images) left out.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkFlake, NixCli } from '../../../src/core/nix';
import { nixAvailable, nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';

const repo = join(__dirname, '..', '..', '..');

describe('nix flake check --no-build', { skip: nixAvailable() ? false : 'nix is not installed' }, () => {
  const tmp = makeTempDir('flake-check');
  after(() => tmp.remove());
  const nix = new NixCli({ env: nixTestEnv() });

  function flake(name: string, text: string): string {
    const dir = join(tmp.path, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'flake.nix'), text);
    return dir;
  }

  it('passes the example flake and drops the warnings about its deploy and images outputs', async () => {
    const dir = join(tmp.path, 'examples');
    cpSync(join(repo, 'examples'), dir, { recursive: true });
    const result = await checkFlake(nix, dir);
    assert.equal(result.passed, true);
    assert.deepEqual(result.problems, []);
  });

  it('reports an evaluation error at its line and column in the local flake.nix', async () => {
    const bad = '    packages.x86_64-linux.foo = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ (1 + "a") ]; };';
    const dir = flake('eval-error', ['{', '  outputs = { self }: {', bad, '  };', '}', ''].join('\n'));
    const result = await checkFlake(nix, dir);
    assert.equal(result.passed, false);
    assert.equal(result.problems.length, 1, JSON.stringify(result.problems));
    const [problem] = result.problems;
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /cannot add a string to an integer/);
    assert.deepEqual(problem?.location, { file: join(dir, 'flake.nix'), line: 3, column: bad.indexOf('"a"') + 1 }, 'Nix 2.8 points at the string operand');
  });

  it('places "is not a derivation", which Nix gives no position, at the output\'s definition', async () => {
    const dir = flake('not-a-derivation', ['{', '  outputs = { self }: {', '    packages.x86_64-linux = {', '      ok = 1;', '    };', '  };', '}', ''].join('\n'));
    const result = await checkFlake(nix, dir);
    assert.equal(result.passed, false);
    const [problem] = result.problems;
    assert.match(problem?.message ?? '', /packages\.x86_64-linux\.ok' is not a derivation/);
    assert.deepEqual(problem?.location, { file: join(dir, 'flake.nix'), line: 4, column: 7 });
  });

  it('keeps warnings about outputs nobody reads', async () => {
    const dir = flake('unknown-output', ['{', '  outputs = { self }: { mystery = 1; };', '}', ''].join('\n'));
    const result = await checkFlake(nix, dir);
    assert.equal(result.passed, true);
    assert.deepEqual(result.problems.map((p) => [p.severity, p.message]), [['warning', "unknown flake output 'mystery'"]]);
  });
});

/**
 * readInputPackages against real Nix (2.8 here): a workspace flake whose input `tool` is a local
 * `path:./tool` flake (no inputs of its own, so everything locks and evaluates offline).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { BufferLogger } from '../../../src/core/log';
import { NixCli } from '../../../src/core/nix';
import { InputPackagesCache, readInputPackages } from '../../../src/core/nix/input-packages';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';

const TOOL_FLAKE = `{
  outputs = { self }:
    let
      # Never built: only the names are read.
      drv = name: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; };
    in {
      packages.x86_64-linux = { tool = drv "tool"; tool-cross-armv7l-linux = drv "tool-cross-armv7l-linux"; };
      packages.armv7l-linux.tool = throw "evaluating a package is not needed to list it";
    };
}
`;

const WORKSPACE_FLAKE = (extraInputs = ''): string => `{
  inputs.tool.url = "path:./tool";${extraInputs}
  outputs = { self, tool, ... }: {
    nixosConfigurations = throw "the workspace's outputs are never evaluated";
  };
}
`;

describe('input package names from real Nix', () => {
  const tmp = makeTempDir('input-packages');
  const flakeDir = join(tmp.path, 'board');
  before(() => {
    mkdirSync(join(flakeDir, 'tool'), { recursive: true });
    writeFileSync(join(flakeDir, 'tool', 'flake.nix'), TOOL_FLAKE);
    writeFileSync(join(flakeDir, 'flake.nix'), WORKSPACE_FLAKE());
    execFileSync('nix', ['flake', 'lock', flakeDir], { env: { ...process.env, ...nixTestEnv() }, stdio: 'pipe' });
  });
  after(() => tmp.remove());

  it('lists the names under inputs.<input>.packages.<system>, evaluating none of them', async () => {
    // How Nix 2.8 locks a relative path input: the path as written, with its hash.
    const lock = JSON.parse(readFileSync(join(flakeDir, 'flake.lock'), 'utf8')) as { nodes: { tool: { locked: { type: string; path: string } } } };
    assert.deepEqual([lock.nodes.tool.locked.type, lock.nodes.tool.locked.path], ['path', './tool']);

    const nix = new NixCli({ env: nixTestEnv() });
    assert.deepEqual(await readInputPackages(nix, { flakeDir, input: 'tool', system: 'x86_64-linux' }), ['tool', 'tool-cross-armv7l-linux']);
    assert.deepEqual(await readInputPackages(nix, { flakeDir, input: 'tool', system: 'armv7l-linux' }), ['tool']);
    assert.deepEqual(await readInputPackages(nix, { flakeDir, input: 'tool', system: 'riscv64-linux' }), [], 'no packages for that system');
    assert.equal(await readInputPackages(nix, { flakeDir, input: 'humility', system: 'x86_64-linux' }), null, 'no such input');
  });

  it('never splices the input name into Nix code', async () => {
    const nix = new NixCli({ env: nixTestEnv() });
    const hostile = 'tool"; x = builtins.abort "spliced"; y = "${builtins.abort "spliced"}';
    assert.equal(await readInputPackages(nix, { flakeDir, input: hostile, system: 'x86_64-linux' }), null);
  });

  it('evaluates once per flake.lock content, and retries after a failure', async () => {
    const logger = new BufferLogger();
    const nix = new NixCli({ env: nixTestEnv(), logger });
    const cache = new InputPackagesCache();
    const evals = (): number => logger.lines.filter((l) => l.message.includes('"eval"')).length;
    const query = { flakeDir, input: 'tool', system: 'x86_64-linux' };
    const first = await readInputPackages(nix, query, { cache });
    assert.equal(await readInputPackages(nix, query, { cache }), first, 'served from the cache');
    assert.equal(evals(), 1);
    appendFileSync(join(flakeDir, 'flake.lock'), '\n'); // new content: the inputs may have moved
    assert.deepEqual(await readInputPackages(nix, query, { cache }), first);
    assert.equal(evals(), 2);

    // An input added to flake.nix but not yet locked: Nix 2.8's getFlake refuses to touch the
    // lock file, which is an error (the caller offers no fix), not an answer to remember.
    writeFileSync(join(flakeDir, 'flake.nix'), WORKSPACE_FLAKE('\n  inputs.other.url = "path:./tool";'));
    const lockBefore = readFileSync(join(flakeDir, 'flake.lock'), 'utf8');
    const unlocked = { flakeDir, input: 'other', system: 'x86_64-linux' };
    await assert.rejects(readInputPackages(nix, unlocked, { cache }), (error: unknown) => {
      assert.ok(error instanceof DevicesError);
      assert.equal(error.code, 'NIX_EVAL_FAILED');
      assert.match(error.message, /lock file/);
      return true;
    });
    assert.equal(readFileSync(join(flakeDir, 'flake.lock'), 'utf8'), lockBefore, 'the user’s flake.lock is left alone');
    execFileSync('nix', ['flake', 'lock', flakeDir], { env: { ...process.env, ...nixTestEnv() }, stdio: 'pipe' });
    assert.deepEqual(await readInputPackages(nix, unlocked, { cache }), ['tool', 'tool-cross-armv7l-linux']);
  });
});

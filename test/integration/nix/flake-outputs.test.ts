import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { BufferLogger } from '../../../src/core/log';
import { FlakeOutputsCache, listFlakeOutputs, NixCli } from '../../../src/core/nix';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';

const repo = join(__dirname, '..', '..', '..');

describe('flake outputs from real Nix', () => {
  const tmp = makeTempDir('flake-outputs');
  const board = join(tmp.path, 'board');
  const examples = join(tmp.path, 'examples');
  before(() => {
    cpSync(join(repo, 'test/fixtures/flakes/board'), board, { recursive: true });
    cpSync(join(repo, 'examples'), examples, { recursive: true });
  });
  after(() => tmp.remove());

  it('lists the example flake: configuration platform, image, packages with their host platform, deploy node', async () => {
    const outputs = await listFlakeOutputs(new NixCli({ env: nixTestEnv() }), examples);
    assert.deepEqual(outputs.nixosConfigurations, [
      { name: 'vulpix', attrPath: 'nixosConfigurations.vulpix', hostSystem: 'armv7l-linux', buildSystem: 'x86_64-linux' },
    ]);
    assert.deepEqual(outputs.images.map((i) => i.attrPath), ['images.vulpix']);
    const cross = outputs.packages.filter((p) => p.isCross).map((p) => p.name).sort();
    assert.deepEqual(cross, ['board-monitor', 'humility-cross-armv7l-linux']);
    assert.equal(outputs.deployNodes[0]?.hostname, '10.78.0.2');
    assert.deepEqual(outputs.deployNodes[0]?.profiles.map((p) => p.name), ['system']);
  });

  it('evaluates once per source: an unchanged flake is served from the cache, an edited module is re-read', async () => {
    const logger = new BufferLogger();
    const nix = new NixCli({ env: nixTestEnv(), logger });
    const cache = new FlakeOutputsCache();
    const first = await listFlakeOutputs(nix, board, { cache });
    const evals = (): number => logger.lines.filter((l) => l.message.includes('"eval"')).length;
    assert.equal(evals(), 1);
    const again = await listFlakeOutputs(nix, board, { cache });
    assert.equal(again, first, 'served from the cache');
    assert.equal(evals(), 1, 'no second evaluation');

    writeFileSync(join(board, 'board.nix'), '{ name = "ninetales"; system = "aarch64-linux"; address = "10.1.2.3"; }\n');
    const changed = await listFlakeOutputs(nix, board, { cache });
    assert.notEqual(changed.sourcePath, first.sourcePath);
    assert.deepEqual(changed.nixosConfigurations.map((c) => [c.name, c.hostSystem]), [['ninetales', 'aarch64-linux']]);
    assert.equal(changed.packages.find((p) => p.name === 'probe-tool')?.hostSystem, 'aarch64-linux');
    assert.equal(changed.deployNodes[0]?.hostname, '10.1.2.3');
    assert.deepEqual(changed.other.map((o) => o.name), ['overlays']);
  });

  it('reports an evaluation error at its file and line in the workspace, not in the store', async () => {
    const broken = join(tmp.path, 'broken');
    cpSync(join(repo, 'test/fixtures/flakes/board'), broken, { recursive: true });
    writeFileSync(join(broken, 'board.nix'), '{ name = "x";\n  system = undefinedThing;\n  address = "a"; }\n');
    await assert.rejects(listFlakeOutputs(new NixCli({ env: nixTestEnv() }), broken), (error: unknown) => {
      assert.ok(error instanceof DevicesError);
      assert.equal(error.code, 'NIX_EVAL_FAILED');
      assert.match(error.message, /undefined variable 'undefinedThing'/);
      assert.deepEqual(error.location, { file: join(broken, 'board.nix'), line: 2, column: 12 });
      return true;
    });
  });

  it('says how to fix a flake that nix cannot see because git does not track it', async () => {
    const repoDir = join(tmp.path, 'gitrepo');
    cpSync(join(repo, 'test/fixtures/flakes/board'), repoDir, { recursive: true });
    execFileSync('git', ['init', '-q', repoDir]);
    await assert.rejects(listFlakeOutputs(new NixCli({ env: nixTestEnv() }), repoDir), (error: unknown) => {
      assert.ok(error instanceof DevicesError);
      assert.match(error.message, /git add flake\.nix/);
      return true;
    });
  });

  it('says nix is missing and how to install it', async () => {
    await assert.rejects(listFlakeOutputs(new NixCli({ program: 'nix-not-installed-here' }), board), (error: unknown) => {
      assert.ok(error instanceof DevicesError);
      assert.equal(error.code, 'NIX_MISSING');
      assert.match(error.message, /apt install nix-bin/);
      return true;
    });
  });

  it('prints the same from the CLI: nixos-devices outputs --json', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'src/cli.ts'), 'outputs', '--json', examples], {
      encoding: 'utf-8',
      env: { ...process.env, ...nixTestEnv() },
    });
    const parsed = JSON.parse(out) as { deployNodes: { name: string }[]; packages: { name: string; isCross: boolean }[] };
    assert.deepEqual(parsed.deployNodes.map((n) => n.name), ['vulpix']);
    assert.equal(parsed.packages.find((p) => p.name === 'board-monitor')?.isCross, true);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobEvent, JobProgress } from '../../../src/core/jobs';
import {
  BuildFailedError,
  BuildHistory,
  buildDerivationTree,
  NixCli,
  planBuild,
  readDerivationGraph,
  runBuild,
  startBuild,
  type BuildResult,
  type DerivationTreeNode,
} from '../../../src/core/nix';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { copyBuildFlake } from '../../harness/build-flakes';

const nix = new NixCli({ env: nixTestEnv() });

function treeEdges(nodes: readonly DerivationTreeNode[], into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    for (const child of node.children) into.add(`${node.drvPath} ${child.drvPath}`);
    treeEdges(node.children, into);
  }
  return into;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf-8').includes(text)) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Resolves when `check` holds, polling /proc-like state; rejects after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('building offline flakes with real Nix', { timeout: 180_000 }, () => {
  const temp = makeTempDir('build');
  let chain = '';
  before(() => {
    chain = copyBuildFlake('chain', temp.path);
  });
  after(() => temp.remove());

  it('builds a 24-derivation chain: counts agree with Nix, tree edges equal the .drv graph, results from --json', async () => {
    const installable = `${chain}#chain`;
    const plan = await planBuild(nix, [installable]);
    assert.equal(plan.toBuild.length, 24);
    const graph = await readDerivationGraph(nix, [installable]);
    const history = new BuildHistory(join(temp.path, 'history.json'));
    await history.load();
    const { job, progress } = startBuild(nix, [installable], { plan, outLinkDir: join(temp.path, 'links'), history });
    const progressEvents: JobProgress[] = [];
    const phases: string[] = [];
    const logSources = new Set<string>();
    job.onEvent((e: JobEvent<BuildResult>) => {
      if (e.kind === 'progress') progressEvents.push(e.progress);
      if (e.kind === 'phase') phases.push(e.phase);
      if (e.kind === 'log' && e.source !== undefined) logSources.add(e.source);
    });
    assert.equal(progress.counts().planned, 24);
    const result = await job.result();

    const snapshot = result.progress;
    assert.deepEqual(snapshot.counts, { planned: 0, running: 0, done: 24, failed: 0 });
    assert.deepEqual(snapshot.nixBuilds, { done: 24, expected: 24, running: 0, failed: 0 });
    assert.deepEqual(phases, ['evaluating', 'building', 'finishing']);
    assert.equal(progressEvents.at(-1)?.done, 24);
    assert.equal(progressEvents.at(-1)?.total, 24);
    assert.ok(logSources.has('chain-alpha-1.0'));

    const nixGraph = JSON.parse(
      execFileSync('nix', ['show-derivation', '-r', installable], { env: { ...process.env, ...nixTestEnv() }, encoding: 'utf-8' }),
    ) as Record<string, { inputDrvs: Record<string, unknown> }>;
    const expectedEdges = new Set(Object.entries(nixGraph).flatMap(([drv, v]) => Object.keys(v.inputDrvs).map((i) => `${drv} ${i}`)));
    assert.ok(expectedEdges.size >= 40);
    const tree = buildDerivationTree(graph, snapshot);
    assert.deepEqual(treeEdges(tree), expectedEdges);

    const [target] = result.targets;
    const out = target?.outputs['out'] ?? '';
    assert.match(out, /^\/nix\/store\/\w{32}-chain-xray-1\.0$/);
    assert.equal(target?.drvPath, tree[0]?.drvPath);
    assert.equal(target?.outLink, join(temp.path, 'links', 'chain'));
    assert.equal(readlinkSync(target?.outLink ?? ''), out);
    assert.ok((result.closureBytes ?? 0) > 0);
    assert.ok(history.estimateMs('chain-alpha-9.9') !== undefined);
  });

  it('reports a failing derivation with its error and last log lines', async () => {
    const { job } = startBuild(nix, [`${chain}#failing`]);
    const outcome = await job.done;
    assert.equal(outcome.status, 'failed');
    const error = outcome.status === 'failed' ? outcome.error : undefined;
    assert.ok(error instanceof BuildFailedError);
    assert.equal(error.code, 'NIX_BUILD_FAILED');
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /failing-3\.1: builder for '\/nix\/store\/\w+-failing-3\.1\.drv' failed with exit code 3/);
    assert.deepEqual(error.failures.map((f) => f.name), ['failing-3.1']);
    assert.deepEqual(error.failures[0]?.logTail.slice(-2), ['compiling unit 30', 'error: unit 31 does not compile']);
    assert.equal(error.actions[0]?.args?.[0], error.failures[0]?.drvPath);
  });

  it('cancels a running build: reported as cancelled, nix and its builder gone', async () => {
    const slow = copyBuildFlake('chain', temp.path, { pidDir: temp.path });
    const { job, progress } = startBuild(nix, [`${slow}#slow`]);
    const started = new Promise<void>((resolve) => {
      job.onEvent((e) => {
        if (e.kind === 'log' && e.line === 'slow builder started') resolve();
      });
    });
    await started;
    const builderPid = Number(readFileSync(join(temp.path, 'slow-builder.pid'), 'utf-8').trim());
    assert.ok(alive(builderPid));
    assert.ok(processesMentioning(slow).length > 0);
    job.cancel();
    const outcome = await job.done;
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.status === 'cancelled' ? outcome.error.code : '', 'CANCELLED');
    await until(() => !alive(builderPid) && processesMentioning(slow).length === 0, 10_000, 'nix and the builder to exit');
    assert.equal(progress.snapshot().derivations.find((d) => d.name === 'slow-0.1')?.state, 'interrupted');
  });

  it('puts an evaluation error at the right file, line and column of the workspace flake', async () => {
    const broken = copyBuildFlake('eval-error', temp.path);
    await assert.rejects(runBuild(nix, ['.#broken'], { cwd: broken }), (error: unknown) => {
      assert.ok(error instanceof BuildFailedError);
      assert.equal(error.code, 'NIX_EVAL_FAILED');
      assert.deepEqual(error.location, { file: join(broken, 'flake.nix'), line: 9, column: 26 });
      assert.match(error.message, /cannot add a string to an integer/);
      return true;
    });
  });

  it('finds the SD image through nix-support/hydra-build-products', async () => {
    const result = await runBuild(nix, ['.#image', '.#good'], { cwd: chain, outLinkDir: 'links', measureClosure: false });
    assert.equal(result.targets.length, 2);
    assert.match(result.targets[0]?.sdImage ?? '', /^\/nix\/store\/\w{32}-nixos-sd-image-24\.05-armv7l\/sd-image\/nixos-sd-image-armv7l\.img\.zst$/);
    assert.ok(existsSync(result.targets[0]?.sdImage ?? ''));
    assert.equal(result.targets[1]?.sdImage, undefined);
    assert.equal(readlinkSync(join(chain, 'links', 'image')), result.targets[0]?.outputs['out']);
    assert.equal(readlinkSync(join(chain, 'links', 'good')), result.targets[1]?.outputs['out']);
  });
});

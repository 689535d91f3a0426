import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportToMemory, localClosure, reconcileDeploy, startDeployMany, type DeviceDeployRequest } from '../../../src/core/deploy';
import type { JobEvent } from '../../../src/core/jobs';
import { BufferLogger } from '../../../src/core/log';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { buildFakeSystem, newNonce, startDeployBoard, type DeployBoard } from './deploy-fixture';

describe('several boards deployed in parallel, each with its own magic rollback', () => {
  const temp = makeTempDir('deploy-parallel');
  const nonce = newNonce();
  const boards: DeployBoard[] = [];
  let one: string;
  let two: string;

  before(async () => {
    one = buildFakeSystem({ nonce, generation: '1' });
    two = buildFakeSystem({ nonce, generation: '2' });
    for (const name of ['par-a', 'par-b', 'par-c']) boards.push(await startDeployBoard(temp.path, { name, network: 'loopback', alias: name }));
  });
  after(async () => {
    for (const b of boards) await b.close();
    temp.remove();
  });

  const request = (b: DeployBoard, systemPath: string, extra: Partial<DeviceDeployRequest> = {}): DeviceDeployRequest => ({
    node: b.board.name,
    link: b.link,
    systemPath,
    paths: b.paths,
    nixEnv: nixTestEnv(),
    confirmTimeoutS: 5,
    activationTimeoutS: 30,
    ...extra,
  });

  it('deploys three boards at once, each a child job, all confirmed, from one export', async () => {
    const logger = new BufferLogger();
    const job = startDeployMany(boards.map((b) => request(b, one)), { concurrency: 3, logger });
    const children: string[] = [];
    job.onEvent((event: JobEvent<unknown>) => {
      if (event.kind === 'child') children.push(event.child.title);
    });
    const reports = await job.result();
    assert.deepEqual(reports.map((r) => [r.node, r.outcome.kind]), boards.map((b) => [b.board.name, 'confirmed']));
    assert.deepEqual(children, boards.map((b) => `Deploy ${b.board.name}`));
    for (const b of boards) assert.equal(b.readlink(b.paths.profile), 'system-1-link');
    // The three boards lacked the same paths: one nix-store --export served them all.
    const exports = logger.lines.filter((l) => l.message.startsWith('exec: ["nix-store","--export"'));
    assert.equal(exports.length, 1, logger.lines.map((l) => l.message).join('\n'));
  });

  it('an export larger than the memory limit is not held: each board then streams its own', async () => {
    const paths = await localClosure([one], { nixEnv: nixTestEnv() });
    const whole = await exportToMemory(paths, 1 << 30, { nixEnv: nixTestEnv() });
    assert.ok(whole !== undefined && whole.length > 1024);
    assert.equal(await exportToMemory(paths, 1024, { nixEnv: nixTestEnv() }), undefined);
  });

  it('all-or-nothing: one board failing its health check rolls every board back', async () => {
    const requests = boards.map((b, i) => request(b, two, { healthChecks: [{ argv: i === 1 ? ['false'] : ['true'] }] }));
    const reports = await startDeployMany(requests, { allOrNothing: true }).result();
    assert.deepEqual(
      reports.map((r) => [r.node, r.outcome.kind === 'rolled-back' ? r.outcome.reason : r.outcome.kind]),
      [
        ['par-a', 'other-device-failed'],
        ['par-b', 'health-check'],
        ['par-c', 'other-device-failed'],
      ],
    );
    for (const b of boards) assert.equal(b.readlink(b.paths.profile), 'system-1-link');
    // What the board recorded agrees with what the deploy reported.
    const first = boards[0];
    const firstReport = reports[0];
    if (first === undefined || firstReport === undefined) throw new Error('no board');
    assert.deepEqual(await reconcileDeploy(first.link, first.paths, firstReport.deployId), firstReport.outcome);
    assert.deepEqual(await reconcileDeploy(first.link, first.paths, 'last'), firstReport.outcome);
  });
});

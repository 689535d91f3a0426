import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExtlinux, defaultEntry } from '../../../src/core/boot';
import { deployToDevice, type DeployReporter, type DeviceDeployReport, type DeviceDeployRequest } from '../../../src/core/deploy';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { buildFakeSystem, newNonce, startDeployBoard, type DeployBoard } from './deploy-fixture';

const CONFIRM_TIMEOUT_S = 3;

interface Recorded {
  readonly phases: { readonly phase: string; readonly at: number }[];
}

function reporter(recorded: Recorded): DeployReporter {
  return {
    signal: new AbortController().signal,
    phase: (phase) => recorded.phases.push({ phase, at: Date.now() }),
    progress: () => undefined,
    log: () => undefined,
  };
}

describe('built-in deploy with magic rollback against a real sshd board with its own store', () => {
  const temp = makeTempDir('deploy-rollback');
  const nonce = newNonce();
  let b: DeployBoard;
  let systems: Record<'one' | 'two' | 'broken' | 'three' | 'failing', string>;

  before(async () => {
    systems = {
      one: buildFakeSystem({ nonce, generation: '1' }),
      two: buildFakeSystem({ nonce, generation: '2' }),
      broken: buildFakeSystem({ nonce, generation: '3-broken', breaksNetwork: true }),
      three: buildFakeSystem({ nonce, generation: '3' }),
      failing: buildFakeSystem({ nonce, generation: '3-failing', failsActivation: true }),
    };
    b = await startDeployBoard(temp.path);
  });
  after(async () => {
    await b.close();
    temp.remove();
  });

  const deploy = (systemPath: string, extra: Partial<DeviceDeployRequest> = {}, recorded: Recorded = { phases: [] }): Promise<DeviceDeployReport> =>
    deployToDevice({ node: 'board', link: b.link, systemPath, paths: b.paths, nixEnv: nixTestEnv(), confirmTimeoutS: CONFIRM_TIMEOUT_S, activationTimeoutS: 30, ...extra }, reporter(recorded));

  const menu = () => parseExtlinux(b.readNix(b.paths.extlinuxConf));

  function assertBoardRuns(system: string, generation: number): void {
    assert.equal(b.readlink(b.paths.profile), `system-${String(generation)}-link`);
    assert.equal(b.readlink(`${b.paths.profile}-${String(generation)}-link`), system);
    assert.equal(b.readlink('/run/current-system'), system);
    assert.equal(defaultEntry(menu())?.init?.systemPath, system);
  }

  it('first deploy makes generation 1 and writes the boot menu; the second makes 2 and rewrites it', async () => {
    const first = await deploy(systems.one);
    assert.equal(first.outcome.kind, 'confirmed', JSON.stringify(first.outcome));
    assert.ok((first.copied?.paths ?? 0) >= 3, 'the closure was copied');
    assertBoardRuns(systems.one, 1);
    assert.deepEqual(menu().entries.map((e) => e.label), ['nixos-default', 'nixos-1']);

    const second = await deploy(systems.two);
    assert.equal(second.outcome.kind, 'confirmed', JSON.stringify(second.outcome));
    assert.deepEqual(second.outcome.kind === 'confirmed' ? second.outcome.generation : undefined, 2);
    assert.equal(second.copied?.paths, 1, 'only the new system path was missing on the board');
    assertBoardRuns(systems.two, 2);
    assert.deepEqual(menu().entries.map((e) => e.label), ['nixos-default', 'nixos-2', 'nixos-1']);
    assert.deepEqual(second.diff?.changed.map((c) => [c.name, c.before, c.after]), [['nixos-system-board', ['23.05.1'], ['23.05.2']]]);
  });

  it('a configuration that takes the network down is rolled back by the board within confirmTimeout + 5 s', async () => {
    const recorded: Recorded = { phases: [] };
    const report = await deploy(systems.broken, {}, recorded);
    assert.equal(report.outcome.kind, 'rolled-back', JSON.stringify(report.outcome));
    assert.equal(report.outcome.kind === 'rolled-back' ? report.outcome.reason : '', 'timeout');
    assertBoardRuns(systems.two, 2);
    assert.equal(b.board.runOnBoard(['sh', '-c', `test -e ${b.paths.profile}-3-link && echo yes || echo no`]).trim(), 'no', 'the failed generation is deleted');
    assert.ok(!menu().entries.some((e) => e.init?.systemPath === systems.broken), 'the menu lost the failed entry');
    const activating = recorded.phases.find((p) => p.phase === 'activating')?.at ?? 0;
    const decidedAt = statSync(join(b.board.nixRoot, 'var/nixos-devices/deploys', report.deployId, 'outcome')).mtimeMs;
    assert.ok(decidedAt - activating <= (CONFIRM_TIMEOUT_S + 5) * 1000, `the board restored the previous generation ${String(decidedAt - activating)} ms after activation started`);
  });

  it('a confirmation that arrives just after the deadline ends rolled back, never half-way', async () => {
    const report = await deploy(systems.three, { healthChecks: [{ argv: ['sleep', String(CONFIRM_TIMEOUT_S + 1)] }] });
    assert.equal(report.outcome.kind, 'rolled-back', JSON.stringify(report.outcome));
    assert.equal(report.outcome.kind === 'rolled-back' ? report.outcome.reason : '', 'timeout');
    assertBoardRuns(systems.two, 2);
  });

  it('a failing health check rolls back', async () => {
    const report = await deploy(systems.three, { healthChecks: [{ argv: ['true'] }, { argv: ['sh', '-c', 'echo bridge br0 is down >&2; exit 3'] }] });
    assert.equal(report.outcome.kind, 'rolled-back', JSON.stringify(report.outcome));
    assert.equal(report.outcome.kind === 'rolled-back' ? report.outcome.reason : '', 'health-check');
    assert.match(report.outcome.kind === 'rolled-back' ? (report.outcome.detail ?? '') : '', /bridge br0 is down/);
    assertBoardRuns(systems.two, 2);
  });

  it('--dry-activate runs the new system dry-activate and changes nothing; a cancel before activation changes nothing', async () => {
    const dry = await deploy(systems.three, { mode: 'dry-activate' });
    assert.equal(dry.outcome.kind, 'dry-activated', JSON.stringify(dry.outcome));
    assert.equal(b.board.runOnBoard(['tail', '-n', '1', '/nix/var/nixos-devices-sim/activations']), `dry-activate ${systems.three}\n`);
    assertBoardRuns(systems.two, 2);

    const controller = new AbortController();
    controller.abort();
    const cancelled = await deployToDevice(
      { node: 'board', link: b.link, systemPath: systems.three, paths: b.paths, nixEnv: nixTestEnv() },
      { ...reporter({ phases: [] }), signal: controller.signal },
    );
    assert.equal(cancelled.outcome.kind, 'cancelled');
    assertBoardRuns(systems.two, 2);
  });

  it('a failed activation rolls back at once', async () => {
    const report = await deploy(systems.failing);
    assert.equal(report.outcome.kind, 'rolled-back', JSON.stringify(report.outcome));
    assert.equal(report.outcome.kind === 'rolled-back' ? report.outcome.reason : '', 'activation-failed');
    assertBoardRuns(systems.two, 2);
  });

  it('passing health checks confirm, and --boot stages a generation without switching', async () => {
    const report = await deploy(systems.three, { healthChecks: [{ argv: ['true'] }] });
    assert.equal(report.outcome.kind, 'confirmed', JSON.stringify(report.outcome));
    assertBoardRuns(systems.three, 3);

    const staged = await deploy(systems.one, { mode: 'boot' });
    assert.deepEqual(staged.outcome, { kind: 'staged-for-boot', systemPath: systems.one, generation: 4 });
    assert.equal(b.readlink(b.paths.profile), 'system-4-link');
    assert.equal(b.readlink('/run/current-system'), systems.three, 'the running system is unchanged until a reboot');
    assert.equal(defaultEntry(menu())?.init?.systemPath, systems.one, 'the next boot starts the staged system');
  });
});

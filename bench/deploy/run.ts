/**
 * Deploy benchmarks, each against a peer run side by side in the same run, on test boards (sshd
 * with its own /nix in a network namespace, test/harness/ssh-device.ts):
 *
 * 1. The built-in deploy of a system with a 100-package closure vs plain `nix copy --to ssh://`
 *    plus the same activation typed by hand over OpenSSH (`nix-env --set`, then
 *    `switch-to-configuration switch`), same board, one run each (goal ≤ 1.15). Each run deploys
 *    its own freshly built system, so both copy the same number of paths.
 * 2. Ten boards deployed in parallel vs one board (goal ≤ 2×).
 *
 *   node --import tsx bench/deploy/run.ts
 */
import { execFileSync } from 'node:child_process';
import { deployToDevice, startDeployMany, type DeviceDeployRequest } from '../../src/core/deploy';
import { nixTestEnv } from '../../test/harness/nix';
import { makeTempDir } from '../../test/harness/temp-dir';
import { buildFakeSystem, newNonce, startDeployBoard, type DeployBoard } from '../../test/integration/deploy/deploy-fixture';

const PACKAGES = 100;
const PARALLEL_BOARDS = 10;

function request(b: DeployBoard, systemPath: string, extra: Partial<DeviceDeployRequest> = {}): DeviceDeployRequest {
  return { node: b.board.name, link: b.link, systemPath, paths: b.paths, nixEnv: nixTestEnv(), confirmTimeoutS: 30, activationTimeoutS: 60, ...extra };
}

const reporter = { signal: new AbortController().signal, phase: () => undefined, progress: () => undefined, log: () => undefined };

async function timed(what: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await what();
  return (performance.now() - started) / 1000;
}

function byHand(b: DeployBoard, systemPath: string): void {
  const env = { ...process.env, ...nixTestEnv(), NIX_SSHOPTS: `-F ${b.sshConfig}` };
  execFileSync('nix', ['copy', '--to', 'ssh://root@board', systemPath], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ssh = (argv: string[]): void => {
    execFileSync('ssh', ['-F', b.sshConfig, 'board', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  ssh(['nix-env', '-p', '/nix/var/nix/profiles/system', '--set', systemPath]);
  ssh([`${systemPath}/bin/switch-to-configuration`, 'switch']);
}

async function main(): Promise<void> {
  const temp = makeTempDir('bench-deploy');
  const boards: DeployBoard[] = [];
  try {
    // 1. Built-in vs nix copy + ssh by hand.
    const nonce = newNonce();
    const systems = ['builtin', 'builtin-plain', 'hand'].map((tag) => buildFakeSystem({ nonce: `${nonce}-${tag}`, generation: '1', packages: PACKAGES, hostName: `bench-${tag}` }));
    const board = await startDeployBoard(temp.path, { name: 'bench' });
    boards.push(board);
    // Warm both paths once (first-use store creation on the board, ssh -G) with a tiny system.
    const warm = buildFakeSystem({ nonce: `${nonce}-warm`, generation: '0' });
    await deployToDevice(request(board, warm, { magicRollback: false, diff: false }), reporter);
    byHand(board, warm);
    const [builtinPath, plainPath, handPath] = systems;
    if (builtinPath === undefined || plainPath === undefined || handPath === undefined) throw new Error('no systems');
    const hand = await timed(async () => byHand(board, handPath));
    let copied = 0;
    const builtin = await timed(async () => {
      const report = await deployToDevice(request(board, builtinPath), reporter);
      if (report.outcome.kind !== 'confirmed') throw new Error(`built-in deploy: ${JSON.stringify(report.outcome)}`);
      copied = report.copied?.paths ?? 0;
    });
    const plain = await timed(async () => {
      const report = await deployToDevice(request(board, plainPath, { magicRollback: false, diff: false }), reporter);
      if (report.outcome.kind !== 'confirmed') throw new Error(`built-in deploy: ${JSON.stringify(report.outcome)}`);
    });
    console.log(`closure copy + activation, ${String(copied)} paths copied each:`);
    console.log(`  nix copy + ssh by hand                         ${hand.toFixed(2)} s`);
    console.log(`  built-in (diff + magic rollback, confirmed)    ${builtin.toFixed(2)} s   ratio ${(builtin / hand).toFixed(2)} (goal ≤ 1.15)`);
    console.log(`  built-in (no diff, no magic rollback)          ${plain.toFixed(2)} s   ratio ${(plain / hand).toFixed(2)} (goal ≤ 1.15)`);

    // 2. Ten boards in parallel vs one.
    const fleetSystem = buildFakeSystem({ nonce: `${nonce}-fleet`, generation: '1', packages: 20, hostName: 'fleet' });
    const fleet: DeployBoard[] = [];
    for (let i = 0; i < PARALLEL_BOARDS + 1; i++) fleet.push(await startDeployBoard(temp.path, { name: `fleet${String(i)}`, alias: `fleet${String(i)}` }));
    boards.push(...fleet);
    const [single, ...many] = fleet;
    if (single === undefined) throw new Error('no board');
    const one = await timed(async () => {
      const [report] = await startDeployMany([request(single, fleetSystem)]).result();
      if (report?.outcome.kind !== 'confirmed') throw new Error(`one board: ${JSON.stringify(report?.outcome)}`);
    });
    const ten = await timed(async () => {
      const reports = await startDeployMany(many.map((b) => request(b, fleetSystem)), { concurrency: PARALLEL_BOARDS }).result();
      const bad = reports.filter((r) => r.outcome.kind !== 'confirmed');
      if (bad.length > 0) throw new Error(`parallel: ${JSON.stringify(bad.map((r) => r.outcome))}`);
    });
    console.log(`deploy with magic rollback, ${String(PARALLEL_BOARDS)} boards in parallel vs one:`);
    console.log(`  one board    ${one.toFixed(2)} s`);
    console.log(`  ${String(PARALLEL_BOARDS)} boards    ${ten.toFixed(2)} s   ratio ${(ten / one).toFixed(2)} (goal ≤ 2)`);
  } finally {
    for (const b of boards) await b.close();
    temp.remove();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

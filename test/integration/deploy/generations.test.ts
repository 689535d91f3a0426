import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultEntry, parseExtlinux } from '../../../src/core/boot';
import {
  deleteGenerationsOlderThan,
  deployToDevice,
  diffGenerations,
  readGenerations,
  rollbackGeneration,
  setBootGeneration,
  switchToGeneration,
  type GenerationActionContext,
} from '../../../src/core/deploy';
import type { SshConnection } from '../../../src/core/remote';
import { nixTestEnv } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { buildFakeSystem, newNonce, startDeployBoard, type DeployBoard } from './deploy-fixture';

describe('generations and the boot menu of a real board, read over SFTP, changed with its own tools', () => {
  const temp = makeTempDir('deploy-generations');
  const nonce = newNonce();
  let b: DeployBoard;
  let connection: SshConnection;
  let context: GenerationActionContext;
  const systems: string[] = [];

  before(async () => {
    for (const generation of ['1', '2', '3']) systems.push(buildFakeSystem({ nonce, generation, packages: 2, packageVersion: `1.${generation}` }));
    b = await startDeployBoard(temp.path, { network: 'loopback', name: 'generations' });
    for (const systemPath of systems) {
      const report = await deployToDevice(
        { node: 'board', link: b.link, systemPath, paths: b.paths, nixEnv: nixTestEnv(), magicRollback: false, diff: false },
        { signal: new AbortController().signal, phase: () => undefined, progress: () => undefined, log: () => undefined },
      );
      assert.equal(report.outcome.kind, 'confirmed', JSON.stringify(report.outcome));
    }
    connection = await b.link.connection();
    context = { connection, commands: connection, paths: b.paths };
  });
  after(async () => {
    await b.close();
    temp.remove();
  });

  const system = (n: number): string => systems[n - 1] ?? '';
  const menuDefault = (): string | undefined => defaultEntry(parseExtlinux(b.readNix(b.paths.extlinuxConf)))?.init?.systemPath;

  it('lists generations with UTC link times, versions, kernels, and marks current and booted', async () => {
    const state = await readGenerations(connection, b.paths);
    assert.deepEqual(state.generations.map((g) => [g.number, g.storePath, g.nixosVersion]), [
      [1, system(1), '23.05.1'],
      [2, system(2), '23.05.2'],
      [3, system(3), '23.05.3'],
    ]);
    const linkTime = lstatSync(join(b.board.nixRoot, 'var/nix/profiles/system-2-link')).mtime;
    assert.equal(state.generations[1]?.createdUtc, new Date(Math.floor(linkTime.getTime() / 1000) * 1000).toISOString());
    assert.match(state.generations[0]?.kernel ?? '', /-linux-6\.1\.21-.*\/zImage$/);
    assert.deepEqual(state.generations.map((g) => [g.isProfile, g.isCurrent, g.isBooted]), [
      [false, false, true],
      [false, false, false],
      [true, true, false],
    ]);
    // The stand-in systems differ in kernel-params (generation=N), which needs a reboot.
    assert.equal(state.rebootNeeded, true);
    assert.deepEqual(state.rebootReasons, ['kernel-params']);
  });

  it('maps the boot menu to generations as u-boot numbers it', async () => {
    const state = await readGenerations(connection, b.paths);
    assert.deepEqual(state.bootMenu?.rows.map((r) => [r.number, r.label, r.generation, r.isDefault]), [
      [1, 'nixos-default', 3, true],
      [2, 'nixos-3', 3, false],
      [3, 'nixos-2', 2, false],
      [4, 'nixos-1', 1, false],
    ]);
    assert.match(state.bootMenu?.rows[2]?.text ?? '', /^NixOS - Configuration 2 \(\d{4}-\d\d-\d\d \d\d:\d\d - 23\.05\.2\)$/);
  });

  it('diffs two generations with versions and size', async () => {
    const diff = await diffGenerations(context, 1, 2);
    assert.deepEqual(
      diff.changed.map((c) => [c.name, c.before, c.after]),
      [
        ['nixos-system-board', ['23.05.1'], ['23.05.2']],
        ['pkg0', ['1.1'], ['1.2']],
        ['pkg1', ['1.1'], ['1.2']],
      ],
    );
    assert.deepEqual([diff.added, diff.removed], [[], []]);
  });

  it('makes generation 2 the boot default without activating it: profile and menu agree', async () => {
    const state = await setBootGeneration(context, 2);
    assert.equal(state.profileGeneration, 2);
    assert.equal(b.readlink('/run/current-system'), system(3), 'the running system is unchanged');
    assert.equal(menuDefault(), system(2));
    assert.equal(state.bootMenu?.rows.find((r) => r.isDefault)?.generation, 2);
  });

  it('switches to generation 1, then rolls back to the one before the profile', async () => {
    let state = await switchToGeneration(context, 1);
    assert.equal(state.profileGeneration, 1);
    assert.equal(b.readlink('/run/current-system'), system(1));
    assert.equal(menuDefault(), system(1));
    await switchToGeneration(context, 3);
    state = await rollbackGeneration(context);
    assert.equal(state.profileGeneration, 2);
    assert.equal(b.readlink('/run/current-system'), system(2));
    await assert.rejects(rollbackGeneration(context, 7), /has no generation 7/);
  });

  it('deletes generations older than 3, leaves no dangling menu entry, and collects their paths', async () => {
    await switchToGeneration(context, 3);
    const state = await deleteGenerationsOlderThan(context, 3, { gc: true });
    assert.deepEqual(state.generations.map((g) => g.number), [3]);
    assert.deepEqual(state.bootMenu?.rows.map((r) => r.label), ['nixos-default', 'nixos-3']);
    const validity = await connection.exec(['nix-store', '--check-validity', system(1)]);
    assert.notEqual(validity.exitCode, 0, 'generation 1 was garbage-collected on the board');
    const kept = await connection.exec(['nix-store', '--check-validity', system(3)]);
    assert.equal(kept.exitCode, 0);
  });
});

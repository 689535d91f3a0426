/**
 * The SSH operations behind "Boot generation N" and the Boot test, against the test board (a real
 * sshd with its own /nix in a network namespace): reachability over a new connection (and its
 * loss when the link goes down), extlinux.conf read and replaced atomically, and whether the
 * booted system is the new one. Rebooting and setBootGeneration are not run here: the test board
 * cannot reboot, and setBootGeneration has its own tests in test/integration/deploy.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findBootMenuItem, parseExtlinux, printExtlinux, setDefaultEntry } from '../../../src/core/boot';
import { boardPaths, type BoardPaths } from '../../../src/core/deploy';
import { boardBootOperations, type BoardBootOperations } from '../../../src/core/deploy/board-boot-operations';
import { makeTempDir } from '../../harness/temp-dir';
import { SIM_BOOT_DIR, startDeployBoard, type DeployBoard } from '../deploy/deploy-fixture';

const AFTER = readFileSync(join(__dirname, '../../fixtures/boot/qemu/boot-test-after.conf'), 'utf8');
const NEW_SYSTEM = '/nix/store/b6m2x8q0wk4zr9cl1fj7a3hyn5dgi2s8-nixos-system-board-24.05.20240510.4a81b7c';
const OLD_SYSTEM = '/nix/store/w7r2k9m1xqz0cl4fjb8a5hyn3dgi6s1v-nixos-system-board-24.05.20240423.63c3a29';

describe('SSH operations of Boot generation and the Boot test on the test board', () => {
  const temp = makeTempDir('boot-ops');
  let board: DeployBoard | undefined;
  let ops: BoardBootOperations;
  let paths: BoardPaths;
  const signal = new AbortController().signal;

  before(async () => {
    board = await startDeployBoard(temp.path, { name: 'bootops' });
    // The board's /run is the machine's; its booted-system link lives in its own /nix instead.
    paths = boardPaths({ extlinuxConf: `${SIM_BOOT_DIR}/extlinux/extlinux.conf`, bootedSystem: '/nix/var/booted-system' });
    ops = boardBootOperations(board.link, paths, { attemptTimeoutMs: 3_000 });
    const nix = board.board.nixRoot;
    mkdirSync(join(nix, 'var/sim-boot/extlinux'), { recursive: true });
    writeFileSync(join(nix, 'var/sim-boot/extlinux/extlinux.conf'), AFTER);
    for (const system of [NEW_SYSTEM, OLD_SYSTEM]) mkdirSync(join(nix, system.replace(/^\/nix\//, '')), { recursive: true });
    symlinkSync(OLD_SYSTEM, join(nix, 'var/booted-system'));
  });

  after(async () => {
    await board?.close();
    temp.remove();
  });

  it('reads extlinux.conf and replaces it atomically with the previous default restored', async () => {
    const menu = parseExtlinux(await ops.readExtlinux(signal));
    assert.equal(printExtlinux(menu), AFTER);
    const label = findBootMenuItem(menu, { generation: 2 })?.entry.label ?? '?';
    const restored = printExtlinux(setDefaultEntry(menu, label));
    await ops.writeExtlinux(restored, signal);
    const dir = join(board?.board.nixRoot ?? '', 'var/sim-boot/extlinux');
    assert.equal(readFileSync(join(dir, 'extlinux.conf'), 'utf8'), restored);
    assert.match(restored, /^DEFAULT nixos-2-default$/m);
    assert.deepEqual(readdirSync(dir), ['extlinux.conf'], 'no temporary file is left');
  });

  it('confirms only the booted system it was asked about', async () => {
    assert.equal(await ops.bootedIs(OLD_SYSTEM)(signal), true);
    assert.equal(await ops.bootedIs(NEW_SYSTEM)(signal), false);
  });

  it('answers while the board is up and not once its link is down, within the attempt timeout', async () => {
    assert.ok(board !== undefined);
    assert.equal(await ops.isReachable(signal), true);
    board.board.linkDown();
    try {
      const started = Date.now();
      assert.equal(await ops.isReachable(signal), false);
      assert.equal(await ops.bootedIs(OLD_SYSTEM)(signal), false);
      assert.ok(Date.now() - started < 2 * 3_000 + 2_000, 'each attempt is bounded');
    } finally {
      board.board.linkUp();
    }
    assert.equal(await ops.isReachable(signal), true);
  });
});

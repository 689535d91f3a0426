/**
 * The simulated board (scripts/sim-board/board.sh) for real: Debian's u-boot in qemu reading the
 * example's SD image as its card, the card's NIXOS_SD as the running system behind a real sshd in
 * a network namespace, reboots through unmount → qemu restart → remount, flashing with the real
 * CLI, and stops that leave nothing behind, also after a kill -9 of the start command.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bootMenuItems, parseExtlinux } from '../../../src/core/boot';
import { nixAvailable } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { BoardConsole, REPO, board, buildExampleImage, deployToBoard, leftovers, readBoardInfo, readFromCard, sshBoard, startForeground, waitFor, type BoardInfo } from './sim-board-fixture';

const available = nixAvailable() && existsSync('/usr/bin/qemu-system-arm') && existsSync('/usr/lib/u-boot/qemu_arm/u-boot.bin');
/** Not the default board's index (0), so a board a developer runs is never touched. */
const INDEX = 200 + (process.pid % 50);
const EXTLINUX = '/boot/extlinux/extlinux.conf';

/** u-boot's menu as it prints it: `N:\t<MENU LABEL>` per entry, in file order, then the prompt. */
function expectedMenu(extlinuxConf: string): string[] {
  return bootMenuItems(parseExtlinux(extlinuxConf)).map((item) => `${String(item.number)}:\t${item.text}`);
}

function showsMenu(text: string, lines: readonly string[]): boolean {
  const at = text.lastIndexOf(`${lines[0] ?? ''}\r\n`);
  if (at === -1) return false;
  const menu = text.slice(at);
  return lines.every((line) => menu.includes(`${line}\r\n`)) && menu.includes('Enter choice: ');
}

describe('simulated board', { skip: !available && 'needs nix, qemu-system-arm and u-boot-qemu' }, () => {
  const tmp = makeTempDir('sim-board');
  const state = join(tmp.path, 'state');
  const flake = join(tmp.path, 'examples');
  let image = '';
  before(() => {
    image = buildExampleImage(tmp.path);
  });
  after(() => tmp.remove());
  /** Whatever a failed test left running: stop cleans up from the state folder alone. */
  const stopIfRunning = (dir: string) => (): void => {
    if (existsSync(join(dir, 'run'))) board('stop', dir);
  };

  it('boots the example image to its menu, runs the card as its system, takes a deploy, boots the older generation from the console after a reboot, and stop leaves nothing', async (t) => {
    t.after(stopIfRunning(state));
    const running = await startForeground(state, INDEX, ['--image', image]);
    const info: BoardInfo = running.info;
    assert.equal(info.host, `10.78.${String(INDEX)}.2`);
    assert.equal(info.systemRunning, true);
    assert.match(info.cardDevice, /^\/dev\/loop\d+$/);
    assert.equal(board('card-path', state).trim(), info.cardDevice);

    // The running system is the card: its extlinux.conf over SSH is the one on NIXOS_SD, and
    // the image's system became generation 1 on first boot.
    const conf = sshBoard(info, `cat ${EXTLINUX}`);
    const system = /init=(\/nix\/store\/[^/\s]+)\/init/.exec(conf)?.[1];
    assert.ok(system !== undefined, conf);
    assert.equal(sshBoard(info, 'readlink /nix/var/nix/profiles/system-1-link /run/booted-system').trim(), `${system}\n${system}`);
    assert.equal(sshBoard(info, 'hostname').trim(), 'vulpix');
    // u-boot read the same file from the card: its menu lists the card's entries.
    const firstMenu = expectedMenu(conf);
    await waitFor('u-boot menu in the console log', () => readFileSync(info.consoleLog, 'latin1'), (text) => showsMenu(text, firstMenu));

    // A deploy of generation 2 with the real CLI rewrites the card's menu; a file written over
    // SSH goes to the card too.
    const deployed = await deployToBoard(flake, info, state, '2');
    assert.equal(deployed.status, 0, deployed.output);
    sshBoard(info, 'echo persisted-on-card > /boot/from-ssh.txt');
    const rewritten = sshBoard(info, `cat ${EXTLINUX}`);
    const secondMenu = expectedMenu(rewritten);
    assert.deepEqual(secondMenu.map((line) => line.split(' (')[0]), ['1:\tNixOS - Default', '2:\tNixOS - Configuration 2', '3:\tNixOS - Configuration 1']);

    const serial = await BoardConsole.open(info.serial);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      serial.clear(); // anything u-boot printed before the port was opened
      board('unmount-card', state);
      // Unmounted, the card file itself holds what the running system wrote.
      assert.equal(readFromCard(info.card, EXTLINUX), rewritten);
      assert.equal(readFromCard(info.card, '/boot/from-ssh.txt'), 'persisted-on-card\n');
      assert.equal(readBoardInfo(state).systemRunning, false);

      board('reboot', state);
      // Same link, a new qemu: the terminal that stayed open sees the new boot and the new menu,
      // and the older generation chosen there is the one the board then runs.
      await waitFor('u-boot banner and the rewritten menu on the serial link', serial.read, (text) => text.includes('U-Boot ') && showsMenu(text, secondMenu));
      await serial.write('3\r');
      await waitFor('u-boot starting entry 3', serial.read, (text) => text.includes(`append: init=${system}/init`));
    } finally {
      await serial.close();
    }
    const rebooted = readBoardInfo(state);
    await waitFor('the chosen generation as the booted system', () => sshBoard(rebooted, 'readlink /run/booted-system /run/current-system'), (text) => text === `${system}\n${system}\n`, 5000);
    assert.equal(sshBoard(rebooted, 'readlink /nix/var/nix/profiles/system').trim(), 'system-2-link', 'the default stays generation 2');
    assert.equal(sshBoard(rebooted, 'cat /boot/from-ssh.txt'), 'persisted-on-card\n');

    assert.equal(board('stop', state).trim(), 'stopped');
    await running.exited();
    assert.deepEqual(leftovers(state, INDEX), []);
    assert.ok(existsSync(join(state, 'card.img')), 'the card stays for the next start');
  });

  it('after a kill -9 of the start command, stop still cleans up; the card kept the board state', async (t) => {
    t.after(stopIfRunning(state));
    const running = await startForeground(state, INDEX);
    assert.equal(sshBoard(running.info, 'cat /boot/from-ssh.txt'), 'persisted-on-card\n', 'the card from the last test, with its writes');
    running.child.kill('SIGKILL');
    await running.exited();
    assert.ok(leftovers(state, INDEX).some((thing) => thing.startsWith('process')), 'qemu, socat and sshd outlive a killed start');
    board('stop', state);
    assert.deepEqual(leftovers(state, INDEX), []);
  });

  it('an empty card boots nothing; flashed with the example image by the CLI and rebooted, it runs', async (t) => {
    const emptyState = join(tmp.path, 'empty');
    t.after(stopIfRunning(emptyState));
    board('start', emptyState, ['--index', String(INDEX), '--detach']);
    const info = readBoardInfo(emptyState);
    assert.equal(info.systemRunning, false);
    await waitFor('u-boot giving up on the empty card', () => readFileSync(info.consoleLog, 'latin1'), (text) => text.includes('No partition table - virtio 0') && text.includes('=> '));

    const flashed = execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli.ts'), 'flash', image, board('card-path', emptyState).trim(), '--yes', '--allow-non-removable'], { cwd: REPO, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(flashed, /verified/);
    board('reboot', emptyState);
    const booted = readBoardInfo(emptyState);
    assert.equal(booted.systemRunning, true);
    const conf = sshBoard(booted, `cat ${EXTLINUX}`);
    assert.equal(conf, readFromCard(booted.card, EXTLINUX));
    assert.match(sshBoard(booted, 'nix-env -p /nix/var/nix/profiles/system --list-generations'), /^\s+1\s.*\(current\)$/m);
    board('stop', emptyState);
    assert.deepEqual(leftovers(emptyState, INDEX), []);
  });
});

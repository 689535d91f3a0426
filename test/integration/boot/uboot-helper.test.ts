/**
 * The U-Boot helper, "Boot generation N"'s power-cycle rescue and the Boot test against a real
 * u-boot: Debian's qemu_arm u-boot in qemu-system-arm behind a serial adapter whose pty survives
 * power cycles (startUBootBoard: a qemu restart on the same disk is the power cycle). Every menu
 * entry names its own dummy kernel file, so u-boot's `Retrieving file:` line proves which entry
 * booted. The dummy kernels fail (`zimage: Bad magic!`): no system ever comes up, which is exactly
 * the boot test's failure case.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  UBootConsoleHelper,
  findBootMenuItem,
  parseExtlinux,
  printExtlinux,
  setDefaultEntry,
  startBootGeneration,
  startBootTest,
  type ConsoleMenu,
  type ExtlinuxMenu,
} from '../../../src/core/boot';
import { makeTempDir } from '../../harness/temp-dir';
import { DEBIAN_UBOOT_QEMU_ARM, buildUBootDisk, readBootFile, startUBootBoard, writeBootFile, type UBootBoard } from '../../harness/uboot-qemu';
import { EventLog, SerialConsoleStream, isConsole, isHelper } from './serial-console-stream';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/boot/qemu', name), 'utf8');
/** Entries Default, 1, 3, 2: generation 2 is entry 4, and entry 2 is generation 1. */
const OUT_OF_ORDER_CONF = fixture('extlinux-out-of-order.conf');
const OUT_OF_ORDER = parseExtlinux(OUT_OF_ORDER_CONF);
const BOOT_TEST_BEFORE_CONF = fixture('boot-test-before.conf');
const BOOT_TEST_AFTER_CONF = fixture('boot-test-after.conf');
const BOOT_TEST_AFTER = parseExtlinux(BOOT_TEST_AFTER_CONF);
/** u-boot prints paths joined to extlinux.conf's folder. */
const CONF_DIR = '/boot/extlinux/';
/** u-boot reaches the menu ~3 s after power-on here; generous for a loaded CI machine. */
const EVENT_TIMEOUT_MS = 20_000;
/** The menu's own countdown (TIMEOUT 10 = 1 s) twice over: without the halt the default would boot. */
const USER_THINKING_MS = ((OUT_OF_ORDER.header.timeoutTenths ?? 10) / 10) * 2 * 1000;

const available = existsSync(DEBIAN_UBOOT_QEMU_ARM) && existsSync('/usr/bin/qemu-system-arm') && existsSync('/usr/sbin/debugfs');

function kernelOf(menu: ExtlinuxMenu, generation: number): string {
  const linux = findBootMenuItem(menu, { generation })?.entry.linux;
  assert.ok(linux !== undefined, `the fixture has generation ${String(generation)}`);
  return CONF_DIR + linux;
}

/** Each file holds its own name, so nothing but its path could make u-boot print it. */
function bootFilesOf(...menus: ExtlinuxMenu[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const menu of menus) {
    for (const entry of menu.entries) {
      for (const path of [entry.linux, entry.initrd]) if (path !== undefined) files[path.replace(/^\.\.\//, '')] = `dummy ${path}\n`;
    }
  }
  return files;
}

interface Rig {
  readonly board: UBootBoard;
  readonly stream: SerialConsoleStream;
  readonly helper: UBootConsoleHelper;
  readonly log: EventLog;
  readonly disk: string;
  readonly dir: string;
}

describe('U-Boot helper, rescue and boot test on a real u-boot', { skip: available ? false : 'qemu-system-arm, u-boot-qemu or debugfs not installed' }, () => {
  const temp = makeTempDir('uboot-helper');
  const rigs: Rig[] = [];

  after(async () => {
    for (const rig of rigs) rig.helper.dispose();
    await Promise.allSettled(rigs.map((rig) => rig.stream.close()));
    await Promise.allSettled(rigs.map((rig) => rig.board.stop()));
    temp.remove();
  });

  async function rig(name: string, extlinuxConf: string, bootFiles: Record<string, string>): Promise<Rig> {
    const dir = join(temp.path, name);
    mkdirSync(dir);
    const disk = await buildUBootDisk({ dir, extlinuxConf, bootFiles });
    const board = await startUBootBoard({ dir, disk });
    try {
      // The console is opened once, before power-on, and never again: power cycles do not touch it.
      const stream = await SerialConsoleStream.open(board.serialPath);
      const helper = new UBootConsoleHelper(stream);
      const log = new EventLog();
      helper.detector.onEvent((event) => log.add({ at: Date.now(), source: 'console', event }));
      helper.onEvent((event) => log.add({ at: Date.now(), source: 'helper', event }));
      const made = { board, stream, helper, log, disk, dir };
      rigs.push(made);
      return made;
    } catch (error) {
      await board.stop();
      throw error;
    }
  }

  let menuRig: Rig | undefined;

  it('halts the menu before the user picks, chooses the entry labelled generation 2 (not position 2), and u-boot loads its kernel', async () => {
    menuRig = await rig('menu', OUT_OF_ORDER_CONF, bootFilesOf(OUT_OF_ORDER));
    const { board, helper, log } = menuRig;
    let askedAt = 0;
    let answeredAt = 0;
    let asked: ConsoleMenu | undefined;
    const pick = helper.onMenu(async (menu) => {
      askedAt = Date.now();
      asked = menu;
      // The user looks at the quick pick for longer than the menu's own countdown.
      await new Promise((resolve) => setTimeout(resolve, USER_THINKING_MS));
      answeredAt = Date.now();
      return { generation: 2 };
    });
    await board.powerOn();
    const { entry: typed, index: typedAt } = await log.waitFor(isHelper('entry-typed'), 0, 'typed entry', EVENT_TIMEOUT_MS);
    pick.dispose();

    const menuAt = log.entries.findIndex(isConsole('menu'));
    assert.ok(menuAt !== -1 && menuAt < typedAt);
    assert.deepEqual(
      log.entries.slice(menuAt + 1, typedAt).map((e) => e.event.kind).filter((k) => k !== 'menu'),
      [],
      'u-boot waited, silent, while the user thought',
    );
    assert.ok(answeredAt - askedAt >= USER_THINKING_MS - 50);
    assert.deepEqual(asked?.entries.map((e) => e.nixos?.generation ?? 'default'), ['default', 1, 3, 2]);
    assert.ok(typed.source === 'helper' && typed.event.kind === 'entry-typed');
    assert.equal(typed.event.entry.number, 4);

    const { entry: booting, index: bootAt } = await log.waitFor(isConsole('booting-entry'), typedAt, 'booting entry', EVENT_TIMEOUT_MS);
    assert.ok(booting.source === 'console' && booting.event.kind === 'booting-entry');
    assert.equal(booting.event.entry.nixos?.generation, 2);
    assert.equal(booting.event.reason, 'chosen');
    await log.waitFor(isConsole('retrieving-file'), bootAt + 2, 'kernel retrieval', EVENT_TIMEOUT_MS);
    const [initrd, kernel] = log.retrievedFrom(bootAt);
    assert.equal(initrd, CONF_DIR + (findBootMenuItem(OUT_OF_ORDER, { generation: 2 })?.entry.initrd ?? '?'));
    assert.equal(kernel, kernelOf(OUT_OF_ORDER, 2));
    assert.notEqual(kernel, CONF_DIR + (OUT_OF_ORDER.entries[1]?.linux ?? '?'), 'not the kernel of position 2');

    // Before the menu, the countdown was on offer as "Stop autoboot" and ran out.
    assert.deepEqual(
      log.entries.slice(0, menuAt).flatMap((e) => (e.source === 'helper' && e.event.kind.startsWith('autoboot') ? [e.event] : [])),
      [
        { kind: 'autoboot-offer', secondsLeft: 2 },
        { kind: 'autoboot-offer', secondsLeft: 1 },
        { kind: 'autoboot-offer-ended', reason: 'elapsed' },
      ],
    );
  });

  it('rescues over the console: a qemu restart is the power cycle, and generation 3 is chosen from the menu last seen', async () => {
    assert.ok(menuRig !== undefined, 'needs the board of the previous test');
    const { board, helper, log } = menuRig;
    const serialPath = board.serialPath;
    const from = log.entries.length;
    let cycles = 0;
    const job = startBootGeneration({
      device: 'qemu-board',
      generation: 3,
      console: helper,
      operations: {
        // Stand-in for SSH: this board has no network at all (qemu -nic none).
        isReachable: () => Promise.resolve(false),
        setNextBoot: () => Promise.reject(new Error('not reachable over SSH')),
        reboot: () => Promise.reject(new Error('not reachable over SSH')),
        powerCycle: async () => {
          cycles += 1;
          await board.powerCycle();
        },
      },
      rescueTimeoutMs: EVENT_TIMEOUT_MS,
    });
    const result = await job.result();
    assert.equal(cycles, 1);
    assert.equal(board.serialPath, serialPath);
    assert.ok(result.via === 'console');
    assert.deepEqual(result.knowledge, { source: 'console', listed: true, generations: [1, 3, 2] });
    assert.equal(result.entry.number, 3);

    const { index: bannerAt } = await log.waitFor(isConsole('banner'), from, 'banner after the power cycle', EVENT_TIMEOUT_MS);
    const { index: bootAt } = await log.waitFor(isConsole('booting-entry'), bannerAt, 'booting entry', EVENT_TIMEOUT_MS);
    await log.waitFor(isConsole('retrieving-file'), bootAt + 2, 'kernel retrieval', EVENT_TIMEOUT_MS);
    assert.equal(log.retrievedFrom(bootAt)[1], kernelOf(OUT_OF_ORDER, 3));
  });

  it('boot test: the new generation never confirms, so the board is power-cycled, the previous entry chosen and the previous default restored', async () => {
    const { board, helper, log, disk, dir } = await rig('boot-test', BOOT_TEST_BEFORE_CONF, bootFilesOf(parseExtlinux(BOOT_TEST_BEFORE_CONF)));
    // The board is up on generation 2 (here: u-boot at its prompt, the dummy kernels having failed).
    await board.powerOn();
    await log.waitFor(isConsole('prompt'), 0, 'u-boot prompt', EVENT_TIMEOUT_MS);

    const newFiles = bootFilesOf(BOOT_TEST_AFTER);
    let cycledAt = -1;
    const job = startBootTest({
      device: 'qemu-board',
      previousGeneration: 2,
      console: helper,
      operations: {
        // switch-to-configuration boot: the new kernel and initrd copied to /boot, the menu rewritten.
        activate: async () => {
          const entry = findBootMenuItem(BOOT_TEST_AFTER, { generation: 3 })?.entry;
          for (const path of [entry?.linux, entry?.initrd]) {
            const name = path?.replace(/^\.\.\//, '') ?? '';
            await writeBootFile(disk, name, newFiles[name] ?? '', dir);
          }
          await writeBootFile(disk, 'extlinux/extlinux.conf', BOOT_TEST_AFTER_CONF, dir);
          return { generation: 3 };
        },
        reboot: () => board.reboot(),
        // Stand-in for SSH: the dummy system never answers, so the new generation never confirms.
        confirm: () => Promise.resolve(false),
        powerCycle: async () => {
          await board.powerOff();
          cycledAt = log.entries.length;
          await board.powerOn();
        },
        // Stand-in for "answers over SSH again", bounded like a connection attempt: after the power
        // cycle u-boot loaded the previous generation's kernel.
        isReachable: () =>
          log.waitFor((e) => isConsole('retrieving-file')(e) && e.event.kind === 'retrieving-file' && e.event.path === kernelOf(BOOT_TEST_AFTER, 2), Math.max(cycledAt, 0), 'previous kernel', 5_000).then(
            () => cycledAt !== -1,
            () => false,
          ),
        readExtlinux: () => readBootFile(disk, 'extlinux/extlinux.conf'),
        writeExtlinux: (text) => writeBootFile(disk, 'extlinux/extlinux.conf', text, dir),
      },
      consoleMarker: /<<< Welcome to NixOS/,
      confirmTimeoutMs: EVENT_TIMEOUT_MS,
      rescueTimeoutMs: EVENT_TIMEOUT_MS,
      reachableTimeoutMs: EVENT_TIMEOUT_MS,
    });
    const outcome = await job.done;
    assert.equal(outcome.status, 'failed', 'a boot test that fell back never reports success');
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.error.code, 'DEPLOY_ROLLED_BACK');
    assert.match(outcome.error.message, /generation 2 chosen at the boot menu.*DEFAULT nixos-2-default/);

    // After the power cycle u-boot started the previous entry, chosen by the helper, and loaded its kernel.
    assert.ok(cycledAt !== -1);
    const { index: bannerAt } = await log.waitFor(isConsole('banner'), cycledAt, 'banner after the power cycle', EVENT_TIMEOUT_MS);
    const { entry: chosen, index: chosenAt } = await log.waitFor(isConsole('booting-entry'), bannerAt, 'previous entry booting', EVENT_TIMEOUT_MS);
    assert.ok(chosen.source === 'console' && chosen.event.kind === 'booting-entry');
    assert.equal(chosen.event.reason, 'chosen');
    assert.equal(chosen.event.entry.nixos?.generation, 2);
    assert.equal(log.retrievedFrom(chosenAt)[1], kernelOf(BOOT_TEST_AFTER, 2));

    // extlinux.conf on the disk defaults to generation 2 again; nothing else in it changed.
    const onDisk = await readBootFile(disk, 'extlinux/extlinux.conf');
    assert.equal(onDisk, printExtlinux(setDefaultEntry(BOOT_TEST_AFTER, 'nixos-2-default')));
    assert.match(onDisk, /^DEFAULT nixos-2-default$/m);

    // And u-boot agrees: power-cycled with nobody choosing, the menu times out to generation 2.
    const from = log.entries.length;
    await board.powerCycle();
    const { entry: unattended, index: unattendedAt } = await log.waitFor(isConsole('booting-entry'), from, 'default entry booting', EVENT_TIMEOUT_MS);
    assert.ok(unattended.source === 'console' && unattended.event.kind === 'booting-entry');
    assert.equal(unattended.event.reason, 'timeout');
    assert.equal(unattended.event.entry.nixos?.generation, 2);
    await log.waitFor(isConsole('retrieving-file'), unattendedAt + 2, 'kernel retrieval', EVENT_TIMEOUT_MS);
    assert.equal(log.retrievedFrom(unattendedAt)[1], kernelOf(BOOT_TEST_AFTER, 2));
  });
});

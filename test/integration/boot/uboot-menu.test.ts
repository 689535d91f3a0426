/**
 * The u-boot menu helper against a real u-boot: Debian's qemu_arm u-boot in qemu-system-arm,
 * its console on a pty, a disk with a NixOS-style extlinux.conf whose entries each name their
 * own dummy kernel file (test/fixtures/boot/qemu/extlinux.conf).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SerialPort } from 'serialport';
import {
  UBOOT_HALT_MENU_KEY,
  UBOOT_STOP_AUTOBOOT_KEY,
  UBootConsoleDetector,
  bootMenuItems,
  chooseBootEntry,
  findBootMenuItem,
  matchConsoleMenuEntry,
  menuChoiceKeys,
  parseExtlinux,
  type UBootConsoleEvent,
} from '../../../src/core/boot';
import { makeTempDir } from '../../harness/temp-dir';
import { DEBIAN_UBOOT_QEMU_ARM, buildUBootDisk, startUBootQemu, type UBootQemu } from '../../harness/uboot-qemu';

const EXTLINUX_CONF = readFileSync(join(__dirname, '../../fixtures/boot/qemu/extlinux.conf'), 'utf8');
const MODEL = parseExtlinux(EXTLINUX_CONF);
/** extlinux.conf is read from /boot/extlinux/, and u-boot prints paths joined to that folder. */
const CONF_DIR = '/boot/extlinux/';
/** u-boot reaches the menu ~3 s after power-on here; generous for a loaded CI machine. */
const EVENT_TIMEOUT_MS = 20_000;
/**
 * Proving the halt means letting the menu's own countdown (TIMEOUT 10 = 1 s) run out twice over
 * while we "think": without the halt u-boot would boot the default entry in that time.
 */
const USER_THINKING_MS = ((MODEL.header.timeoutTenths ?? 10) / 10) * 2 * 1000;

const available = existsSync(DEBIAN_UBOOT_QEMU_ARM) && existsSync('/usr/bin/qemu-system-arm');

/** One console: serial port → detector → recorded events with waiters. */
class Console {
  readonly detector = new UBootConsoleDetector();
  readonly events: UBootConsoleEvent[] = [];
  private port: SerialPort | undefined;
  private wake: (() => void) | undefined;

  async open(path: string): Promise<void> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('data', (chunk: Buffer) => this.detector.feed(chunk));
    this.detector.onEvent((event) => {
      this.events.push(event);
      this.wake?.();
    });
    this.port = port;
  }

  write = (keys: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const port = this.port;
      if (port === undefined) return reject(new Error('console is not open'));
      port.write(keys, (error) => (error ? reject(error) : port.drain(() => resolve())));
    });

  /** The first event at or after `from` that matches; its index too. */
  async waitFor<K extends UBootConsoleEvent['kind']>(kind: K, from: number, what: string): Promise<{ event: Extract<UBootConsoleEvent, { kind: K }>; index: number }> {
    const deadline = Date.now() + EVENT_TIMEOUT_MS;
    for (;;) {
      const index = this.events.findIndex((e, i) => i >= from && e.kind === kind);
      const event = this.events[index];
      if (event !== undefined && event.kind === kind) return { event: event as Extract<UBootConsoleEvent, { kind: K }>, index };
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${EVENT_TIMEOUT_MS} ms; saw ${JSON.stringify(this.events.slice(from))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen === true) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

async function bootDisk(dir: string): Promise<string> {
  // Each file holds its own name, so nothing but its path could make u-boot print it.
  const bootFiles: Record<string, string> = {};
  for (const entry of MODEL.entries) {
    for (const path of [entry.linux, entry.initrd]) {
      if (path !== undefined) bootFiles[path.replace(/^\.\.\//, '')] = `dummy ${path}\n`;
    }
  }
  return buildUBootDisk({ dir, extlinuxConf: EXTLINUX_CONF, bootFiles });
}

describe('u-boot extlinux menu on a real serial console', { skip: available ? false : 'qemu-system-arm or u-boot-qemu not installed' }, () => {
  const temp = makeTempDir('uboot');
  const consoles: Console[] = [];
  const machines: UBootQemu[] = [];
  let disk = '';

  before(async () => {
    disk = await bootDisk(temp.path);
  });

  after(async () => {
    await Promise.allSettled(consoles.map((c) => c.close()));
    await Promise.allSettled(machines.map((m) => m.stop()));
    temp.remove();
  });

  async function boot(serial: 'pty' | 'link'): Promise<{ qemu: UBootQemu; console: Console }> {
    // Each machine its own folder: the monitor and serial sockets have fixed names.
    const dir = join(temp.path, `machine-${machines.length + 1}`);
    mkdirSync(dir);
    const qemu = await startUBootQemu({ dir, disk, serial });
    machines.push(qemu);
    const console = new Console();
    consoles.push(console);
    await console.open(qemu.serialPath);
    await qemu.resume();
    return { qemu, console };
  }

  let first: { qemu: UBootQemu; console: Console } | undefined;

  it('halts the menu countdown, chooses the entry labelled generation 2, and u-boot loads its kernel', async () => {
    first = await boot('pty');
    const { console } = first;
    const { event: menuEvent, index: menuAt } = await console.waitFor('menu', 0, 'boot menu');
    await console.write(UBOOT_HALT_MENU_KEY);

    // The menu u-boot shows is the one our model numbers: same numbers, same texts, same order.
    assert.deepEqual(
      menuEvent.menu.entries.map((e) => [e.number, e.text]),
      bootMenuItems(MODEL).map((i) => [i.number, i.text]),
    );
    assert.equal(menuEvent.menu.title, MODEL.header.menuTitle);

    await new Promise((resolve) => setTimeout(resolve, USER_THINKING_MS));
    assert.deepEqual(console.events.slice(menuAt + 1), [], 'u-boot must wait after the halt key');

    const entry = matchConsoleMenuEntry(menuEvent.menu, { generation: 2 });
    assert.ok(entry !== undefined);
    await console.write(menuChoiceKeys(entry.number));
    const { event: booting, index: bootAt } = await console.waitFor('booting-entry', menuAt, 'booting entry');
    assert.equal(booting.entry.number, entry.number);
    assert.equal(booting.reason, 'chosen');

    const expected = findBootMenuItem(MODEL, { generation: 2 })?.entry;
    assert.ok(expected?.linux !== undefined && expected.initrd !== undefined);
    const initrd = await console.waitFor('retrieving-file', bootAt, 'initrd retrieval');
    const kernel = await console.waitFor('retrieving-file', initrd.index + 1, 'kernel retrieval');
    assert.equal(initrd.event.path, CONF_DIR + expected.initrd);
    assert.equal(kernel.event.path, CONF_DIR + expected.linux);
    const others = MODEL.entries.filter((e) => e !== expected).map((e) => CONF_DIR + (e.linux ?? ''));
    assert.ok(!others.includes(kernel.event.path), 'the kernel file is generation 2’s own');
  });

  it('after a power cycle, chooseBootEntry picks generation 1 by its label and u-boot loads its kernel', async () => {
    assert.ok(first !== undefined, 'needs the machine of the previous test');
    const { qemu, console } = first;
    const from = console.events.length;
    const chosen = chooseBootEntry({ detector: console.detector, write: console.write, query: { generation: 1 }, timeoutMs: EVENT_TIMEOUT_MS });
    await qemu.powerCycle();
    const { entry } = await chosen;
    const { index: bannerAt } = await console.waitFor('banner', from, 'banner after power cycle');
    const { index: bootAt } = await console.waitFor('booting-entry', bannerAt, 'booting entry');
    const initrd = await console.waitFor('retrieving-file', bootAt, 'initrd retrieval');
    const kernel = await console.waitFor('retrieving-file', initrd.index + 1, 'kernel retrieval');
    assert.equal(entry.nixos?.generation, 1);
    assert.equal(kernel.event.path, CONF_DIR + (findBootMenuItem(MODEL, { generation: 1 })?.entry.linux ?? '?'));
  });

  it('stops autoboot on a stable socat link path and reaches the prompt without a menu', async () => {
    const { qemu, console } = await boot('link');
    assert.match(qemu.serialPath, /\/machine-\d+\/ttyUBOOT$/);
    await console.waitFor('autoboot-countdown', 0, 'autoboot countdown');
    await console.write(UBOOT_STOP_AUTOBOOT_KEY);
    const { index: promptAt } = await console.waitFor('prompt', 0, 'u-boot prompt');
    assert.deepEqual(
      console.events.slice(0, promptAt).filter((e) => e.kind === 'menu' || e.kind === 'retrieving-file'),
      [],
    );
    await qemu.stop();
    await qemu.stop();
  });
});

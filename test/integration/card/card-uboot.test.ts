/**
 * The rescue end to end: the default set on the card by the card tools (debugfs, no mount) is what
 * a real u-boot boots. Debian's qemu_arm u-boot in qemu-system-arm reads the image; nobody touches
 * its menu, so when TIMEOUT runs out it boots DEFAULT and prints the files it loads.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { SerialPort } from 'serialport';
import { UBootConsoleDetector, type UBootConsoleEvent } from '../../../src/core/boot';
import { setCardBootDefault } from '../../../src/core/card';
import { makeTempDir } from '../../harness/temp-dir';
import { DEBIAN_UBOOT_QEMU_ARM, startUBootQemu, type UBootQemu } from '../../harness/uboot-qemu';
import { buildCardImage } from './card-fixture';

const available = existsSync(DEBIAN_UBOOT_QEMU_ARM) && existsSync('/usr/bin/qemu-system-arm');
const TIMEOUT_MS = 20_000;

describe('a boot default set on the card is what u-boot boots', { skip: available ? false : 'qemu-system-arm or u-boot-qemu not installed' }, () => {
  const temp = makeTempDir('card-uboot');
  let qemu: UBootQemu | undefined;
  let port: SerialPort | undefined;

  after(async () => {
    if (port?.isOpen === true) await new Promise<void>((resolve) => port?.close(() => resolve()));
    await qemu?.stop();
    temp.remove();
  });

  it('after --set-default 4, u-boot times out into generation 4 and loads its kernel', async () => {
    const image = await buildCardImage(temp.path);
    const result = await setCardBootDefault({ card: image, entry: '4' });
    assert.equal(result.newDefault, 'nixos-4');

    qemu = await startUBootQemu({ dir: temp.path, disk: image });
    const detector = new UBootConsoleDetector();
    const events: UBootConsoleEvent[] = [];
    let wake: (() => void) | undefined;
    detector.onEvent((event) => {
      events.push(event);
      wake?.();
    });
    const serial = new SerialPort({ path: qemu.serialPath, baudRate: 115200, autoOpen: false });
    port = serial;
    await new Promise<void>((resolve, reject) => serial.open((error) => (error ? reject(error) : resolve())));
    serial.on('data', (chunk: Buffer) => detector.feed(chunk));
    await qemu.resume();

    const deadline = Date.now() + TIMEOUT_MS;
    const kernelEvent = (): Extract<UBootConsoleEvent, { kind: 'retrieving-file' }> | undefined =>
      events.find((e): e is Extract<UBootConsoleEvent, { kind: 'retrieving-file' }> => e.kind === 'retrieving-file' && /zImage$/.test(e.path));
    while (kernelEvent() === undefined) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`u-boot loaded no kernel within ${String(TIMEOUT_MS)} ms; saw ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const booting = events.find((e) => e.kind === 'booting-entry');
    assert.ok(booting?.kind === 'booting-entry');
    assert.equal(booting.reason, 'timeout');
    assert.match(booting.entry.text, /^NixOS - Configuration 4 /);
    assert.equal(kernelEvent()?.path, '/boot/extlinux/../nixos/k4-zImage');
  });
});

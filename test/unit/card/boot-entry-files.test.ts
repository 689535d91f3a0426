import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExtlinux } from '../../../src/core/boot';
import { cardPathOf, chooseCardEntry, decodeExtlinux, entryBootFiles, judgeBootFiles, type BootFileState } from '../../../src/core/card';
import { DevicesError } from '../../../src/core/errors';

const CONF = `DEFAULT nixos-default
MENU TITLE ----
TIMEOUT 50

LABEL nixos-default
  MENU LABEL NixOS - Default
  LINUX ../nixos/d-zImage
  INITRD ../nixos/d-initrd
  FDTDIR ../nixos/d-dtbs
LABEL nixos-7-default
  MENU LABEL NixOS - Configuration 7-default (2026-11-20 10:00 - 24.05)
  LINUX ../nixos/7-zImage
  INITRD ../nixos/7-initrd
LABEL nixos-7-kiosk
  MENU LABEL NixOS - Configuration 7-kiosk (2026-11-20 10:00 - 24.05)
  LINUX ../nixos/7k-zImage
LABEL nixos-6-default
  MENU LABEL NixOS - Configuration 6-default (2026-11-10 10:00 - 24.05)
  LINUX /boot/nixos/6-zImage
  FDT ../nixos/6.dtb
LABEL nixos-12-default
  MENU LABEL NixOS - Configuration 12-default (2026-11-22 10:00 - 24.05)
  LINUX ../nixos/12-zImage
`;
const MENU = parseExtlinux(CONF);

function regular(size = 10): BootFileState {
  return { type: 'regular', size };
}

describe('boot files of a card entry', () => {
  it('resolves paths as u-boot sysboot does: relative to extlinux.conf, absolute from the partition root', () => {
    assert.equal(cardPathOf('../nixos/x-zImage'), '/boot/nixos/x-zImage');
    assert.equal(cardPathOf('/boot/nixos/x-zImage'), '/boot/nixos/x-zImage');
    assert.equal(cardPathOf('x', '/extlinux/extlinux.conf'), '/extlinux/x');
    const six = MENU.entries[3];
    assert.ok(six !== undefined);
    assert.deepEqual(entryBootFiles(six).map((f) => [f.role, f.path, f.required]), [
      ['kernel', '/boot/nixos/6-zImage', true],
      ['fdt', '/boot/nixos/6.dtb', true],
    ]);
  });

  it('a missing or empty kernel, initrd or FDT keeps u-boot from booting; a missing FDTDIR is a warning', () => {
    const entry = MENU.entries[0];
    assert.ok(entry !== undefined);
    const files = entryBootFiles(entry);
    const all = new Map<string, BootFileState | undefined>([
      ['/boot/nixos/d-zImage', regular()],
      ['/boot/nixos/d-initrd', regular()],
      ['/boot/nixos/d-dtbs', { type: 'directory', size: 1024 }],
    ]);
    assert.deepEqual(judgeBootFiles(entry, files, all), { problems: [], warnings: [] });
    const broken = new Map(all);
    broken.set('/boot/nixos/d-zImage', regular(0));
    broken.set('/boot/nixos/d-initrd', undefined);
    broken.set('/boot/nixos/d-dtbs', undefined);
    const judged = judgeBootFiles(entry, files, broken);
    assert.deepEqual(judged.problems, ['kernel /boot/nixos/d-zImage is empty.', 'initrd /boot/nixos/d-initrd is missing on the card.']);
    assert.deepEqual(judged.warnings, ['fdtdir /boot/nixos/d-dtbs is missing on the card.']);
    const noKernel = parseExtlinux('LABEL x\n  APPEND quiet\n').entries[0];
    assert.ok(noKernel !== undefined);
    assert.match(judgeBootFiles(noKernel, [], new Map()).problems.join(''), /no LINUX line/);
    const spaced = parseExtlinux('LABEL y\n  LINUX ../my kernel\n').entries[0];
    assert.ok(spaced !== undefined);
    assert.match(judgeBootFiles(spaced, entryBootFiles(spaced), new Map()).problems.join(''), /cannot be checked/);
  });
});

describe('choosing the entry to boot by default', () => {
  it('finds a generation by its label wherever it is, never a specialisation of it', () => {
    assert.equal(chooseCardEntry(MENU, '7').entry.label, 'nixos-7-default');
    assert.equal(chooseCardEntry(MENU, '12').entry.label, 'nixos-12-default');
    assert.equal(chooseCardEntry(MENU, '6').number, 4);
    assert.equal(chooseCardEntry(MENU, 'default').entry.label, 'nixos-default');
    assert.equal(chooseCardEntry(MENU, 'nixos-7-kiosk').entry.label, 'nixos-7-kiosk');
  });

  it('names what the menu has when the choice is not there', () => {
    assert.throws(() => chooseCardEntry(MENU, '2'), (e: unknown) => e instanceof DevicesError && e.code === 'NOT_FOUND' && /generation 2; it has generations 6, 7, 12\./.test(e.message));
    assert.throws(() => chooseCardEntry(MENU, 'nixos-9'), (e: unknown) => e instanceof DevicesError && /no entry labelled "nixos-9"; it has nixos-default, nixos-7-default/.test(e.message));
  });
});

describe('reading extlinux.conf bytes', () => {
  it('keeps the text exactly', () => {
    assert.equal(decodeExtlinux(Buffer.from(CONF), 'x').text, CONF);
  });

  it('refuses binary, non-UTF-8 and label-less files with a message naming the file', () => {
    const isParse = (pattern: RegExp) => (e: unknown) => e instanceof DevicesError && e.code === 'PARSE_FAILED' && pattern.test(e.message);
    assert.throws(() => decodeExtlinux(Buffer.from('DEFAULT a\n\0\0'), '/boot/extlinux/extlinux.conf on sd.img'), isParse(/^\/boot\/extlinux\/extlinux\.conf on sd\.img is not a text file \(a NUL byte at offset 10\)/));
    assert.throws(() => decodeExtlinux(Buffer.from([0x4c, 0x41, 0x42, 0x45, 0x4c, 0x20, 0xff, 0x0a]), 'f'), isParse(/not valid UTF-8/));
    assert.throws(() => decodeExtlinux(Buffer.from('DEFAULT a\nTIMEOUT 1\n'), 'f'), isParse(/no LABEL entries/));
  });
});

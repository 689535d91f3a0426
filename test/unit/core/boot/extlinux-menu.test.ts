import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  bootMenuItems,
  defaultEntry,
  findBootMenuItem,
  mapEntriesToGenerations,
  menuCountdown,
  parseExtlinux,
  printExtlinux,
  setDefaultEntry,
} from '../../../../src/core/boot';
import { DevicesError } from '../../../../src/core/errors';

const FIXTURES = join(__dirname, '../../../fixtures/boot/extlinux');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** Hand-written from nixpkgs's generator; see test/fixtures/boot/extlinux/SOURCES.md. */
const ALL_FIXTURES = [
  'plain-fdtdir.conf',
  'plain-fdt-no-params.conf',
  'specialisations-fdtdir.conf',
  'specialisations-fdt-no-menu.conf',
  'specialisations-no-devicetree.conf',
] as const;

describe('extlinux.conf round trip', () => {
  for (const name of ALL_FIXTURES) {
    it(`prints ${name} back byte for byte and finds no problem in it`, () => {
      const text = fixture(name);
      const menu = parseExtlinux(text);
      assert.deepEqual(menu.problems, []);
      assert.equal(printExtlinux(menu), text);
    });
  }

  it('keeps CRLF line ends, odd case, unknown directives and a missing final newline', () => {
    const text = '# hand edited\r\ndefault   two\r\nPROMPT 0\r\n\r\nlabel one\r\n\tkernel /a\r\n\tMENU DEFAULT\r\nLABEL two\r\n  linux /b';
    const menu = parseExtlinux(text);
    assert.equal(printExtlinux(menu), text);
    assert.equal(menu.header.defaultLabel, 'two');
    assert.deepEqual(menu.entries.map((e) => [e.label, e.linux]), [['one', '/a'], ['two', '/b']]);
  });
});

describe('extlinux.conf model of NixOS files', () => {
  it('reads the header: DEFAULT, TIMEOUT in tenths, MENU TITLE, and that u-boot shows the menu', () => {
    const { header } = parseExtlinux(fixture('plain-fdtdir.conf'));
    assert.equal(header.defaultLabel, 'nixos-default');
    assert.equal(header.timeoutTenths, 50);
    assert.equal(header.menuTitle, '-'.repeat(60));
    assert.equal(header.showsMenu, true);
  });

  it('knows u-boot shows no menu when NixOS left MENU TITLE out (boot.loader.timeout = 0)', () => {
    const { header } = parseExtlinux(fixture('specialisations-fdt-no-menu.conf'));
    assert.equal(header.timeoutTenths, 1);
    assert.equal(header.menuTitle, undefined);
    assert.equal(header.showsMenu, false);
  });

  it('reads plain entries: generation, date and version text, paths, init system and params', () => {
    const menu = parseExtlinux(fixture('plain-fdtdir.conf'));
    assert.deepEqual(menu.entries.map((e) => e.label), ['nixos-default', 'nixos-3', 'nixos-2', 'nixos-1']);
    const two = menu.entries[2]!;
    assert.deepEqual(two.tag, { kind: 'generation', generation: 2, labelFormat: 'plain' });
    assert.equal(two.dateText, '2024-04-23 18:41');
    assert.equal(two.versionText, '24.05.20240423.63c3a29');
    assert.equal(two.linux, '../nixos/l9r346p3d25vs4g5v37f3r3f28js97kb-linux-6.1.63-zImage');
    assert.equal(two.initrd, '../nixos/awri8visnqf95b9ff0zbhj09spl83xrr-initrd-linux-6.1.63-initrd');
    assert.equal(two.fdtdir, '../nixos/l9r346p3d25vs4g5v37f3r3f28js97kb-linux-6.1.63-dtbs');
    assert.equal(two.fdt, undefined);
    assert.equal(two.init?.systemPath, '/nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-nixos-system-gateway-24.05.20240423.63c3a29');
    assert.equal(two.init?.initPath, `${two.init?.systemPath}/init`);
    assert.equal(two.kernelParams.at(-1), 'loglevel=4');
    assert.equal(two.kernelParams.length, 7);
    assert.deepEqual(menu.entries[0]!.tag, { kind: 'default' });
  });

  it('reads an APPEND with no kernel params and an FDT file', () => {
    const entry = parseExtlinux(fixture('plain-fdt-no-params.conf')).entries[1]!;
    assert.deepEqual(entry.kernelParams, []);
    assert.match(entry.init?.systemPath ?? '', /-nixos-system-rpi2-23\.05\.20230620\.bb8b5735d6f$/);
    assert.match(entry.fdt ?? '', /-dtbs\/bcm2836-rpi-2-b\.dtb$/);
  });

  it('reads specialisation entries: N-default is the generation itself, N-name its specialisation', () => {
    const menu = parseExtlinux(fixture('specialisations-fdtdir.conf'));
    const tags = menu.entries.map((e) => e.tag);
    assert.deepEqual(tags, [
      { kind: 'default' },
      { kind: 'generation', generation: 42, labelFormat: 'specialisations' },
      { kind: 'generation', generation: 42, specialisation: 'debug', labelFormat: 'specialisations' },
      { kind: 'generation', generation: 42, specialisation: 'ap', labelFormat: 'specialisations' },
      { kind: 'generation', generation: 41, labelFormat: 'specialisations' },
      { kind: 'generation', generation: 40, labelFormat: 'specialisations' },
    ]);
    assert.deepEqual(menu.entries[2]!.kernelParams.slice(-1), ['systemd.log_level=debug']);
  });

  it('tolerates garbage: never throws, reports each problem with its line', () => {
    const menu = parseExtlinux('INITRD /x\nLABEL\nTIMEOUT soon\nLABEL a\n  INITRD /1\n  INITRD /2\n  LINUX /k1\n  LINUX /k2\n\u0000\n');
    assert.deepEqual(
      menu.problems.map((p) => p.line),
      [1, 2, 6, 8, 3],
    );
    assert.equal(menu.entries[1]!.initrd, '/1');
    assert.equal(menu.entries[1]!.linux, '/k2');
    assert.equal(printExtlinux(menu), 'INITRD /x\nLABEL\nTIMEOUT soon\nLABEL a\n  INITRD /1\n  INITRD /2\n  LINUX /k1\n  LINUX /k2\n\u0000\n');
  });

  it('never throws and prints any text back unchanged (seeded random extlinux-like input)', () => {
    const pieces = ['LABEL', 'label', 'MENU', 'TITLE', 'LABEL x', 'DEFAULT', 'TIMEOUT', 'APPEND', 'init=/nix/store/a/init', 'LINUX', 'INITRD', 'FDT', 'FDTDIR', '#', ' ', '  ', '\t', '\r', '\n', '\n', 'x', '-1', '42', '\u00e9', '\u0000'];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      let text = '';
      for (let i = random(60); i > 0; i--) text += pieces[random(pieces.length)];
      assert.equal(printExtlinux(parseExtlinux(text)), text, JSON.stringify(text));
    }
  });

  it('parses an empty file as an empty menu', () => {
    const menu = parseExtlinux('');
    assert.deepEqual(menu.entries, []);
    assert.equal(printExtlinux(menu), '');
  });
});

describe('boot menu as u-boot shows it', () => {
  it('numbers entries from 1 in file order with their menu label, default first in NixOS files', () => {
    const items = bootMenuItems(parseExtlinux(fixture('specialisations-fdtdir.conf')));
    assert.deepEqual(
      items.map((i) => `${i.number}:\t${i.text}${i.isDefault ? ' *' : ''}`),
      [
        '1:\tNixOS - Default *',
        '2:\tNixOS - Configuration 42-default (1970-01-01 00:02 - 24.05.20240501.5c24cf2)',
        '3:\tNixOS - Configuration 42-debug (1970-01-01 00:02 - 24.05.20240501.5c24cf2)',
        '4:\tNixOS - Configuration 42-ap (1970-01-01 00:02 - 24.05.20240501.5c24cf2)',
        '5:\tNixOS - Configuration 41-default (1970-01-01 00:01 - 24.05.20240423.63c3a29)',
        '6:\tNixOS - Configuration 40-default (1970-01-01 00:01 - 24.05.20240402.1487bde)',
      ],
    );
  });

  it('says how long the menu waits, as u-boot rounds TIMEOUT', () => {
    assert.deepEqual(menuCountdown(parseExtlinux(fixture('plain-fdtdir.conf'))), { kind: 'seconds', seconds: 5 });
    assert.deepEqual(menuCountdown(parseExtlinux(fixture('plain-fdt-no-params.conf'))), { kind: 'forever' });
    assert.deepEqual(menuCountdown(parseExtlinux(fixture('specialisations-fdt-no-menu.conf'))), { kind: 'no-menu' });
    assert.deepEqual(menuCountdown(parseExtlinux('MENU TITLE x\nTIMEOUT 11\n')), { kind: 'seconds', seconds: 2 });
    assert.deepEqual(menuCountdown(parseExtlinux('MENU TITLE x\nTIMEOUT -10\n')), { kind: 'forever' });
    assert.deepEqual(menuCountdown(parseExtlinux('MENU TITLE x\nTIMEOUT -25\n')), { kind: 'immediate' });
  });

  it('shows the label name when an entry has no MENU LABEL', () => {
    const items = bootMenuItems(parseExtlinux('DEFAULT b\nLABEL a\nLABEL b\n'));
    assert.deepEqual(items.map((i) => [i.number, i.text, i.isDefault]), [[1, 'a', false], [2, 'b', true]]);
  });

  it('maps entries to generations by the store path in init=, including nixos-default', () => {
    const menu = parseExtlinux(fixture('specialisations-fdtdir.conf'));
    const store = (hash: string, version: string): string => `/nix/store/${hash}-nixos-system-gateway-${version}`;
    const mapped = mapEntriesToGenerations(menu, [
      { number: 42, storePath: store('4lmnzx45iy43kwjqn1xna7z3dj8grrz5', '24.05.20240501.5c24cf2') },
      { number: 41, storePath: store('rr6yr3c4dwa7m36096p14dq9hnpy77zx', '24.05.20240423.63c3a29') },
    ]);
    assert.deepEqual(mapped.map((m) => [m.item.number, m.generation]), [
      [1, 42],
      [2, 42],
      [3, undefined],
      [4, undefined],
      [5, 41],
      [6, undefined],
    ]);
  });

  it('finds an entry by its generation label, not its position', () => {
    const menu = parseExtlinux(fixture('plain-fdtdir.conf'));
    assert.equal(findBootMenuItem(menu, { generation: 2 })?.number, 3);
    assert.equal(findBootMenuItem(menu, { generation: 9 }), undefined);
    const special = parseExtlinux(fixture('specialisations-fdtdir.conf'));
    assert.equal(findBootMenuItem(special, { generation: 42 })?.number, 2);
    assert.equal(findBootMenuItem(special, { generation: 42, specialisation: 'ap' })?.number, 4);
    assert.equal(findBootMenuItem(special, { label: 'nixos-41-default' })?.number, 5);
  });

  it('sets the default entry, changing only the DEFAULT line', () => {
    const text = fixture('specialisations-fdtdir.conf');
    const menu = setDefaultEntry(parseExtlinux(text), 'nixos-41-default');
    assert.equal(defaultEntry(menu)?.label, 'nixos-41-default');
    assert.equal(printExtlinux(menu), text.replace('DEFAULT nixos-default\n', 'DEFAULT nixos-41-default\n'));
    assert.equal(bootMenuItems(menu).find((i) => i.isDefault)?.number, 5);
  });

  it('adds a DEFAULT line when the file has none', () => {
    const menu = setDefaultEntry(parseExtlinux('# mine\nTIMEOUT 30\n\nLABEL a\nLABEL b\n'), 'b');
    assert.equal(printExtlinux(menu), '# mine\nDEFAULT b\nTIMEOUT 30\n\nLABEL a\nLABEL b\n');
  });

  it('refuses to make a missing label the default', () => {
    assert.throws(
      () => setDefaultEntry(parseExtlinux(fixture('plain-fdtdir.conf')), 'nixos-99'),
      (error: unknown) => error instanceof DevicesError && error.code === 'NOT_FOUND' && /nixos-99/.test(error.message),
    );
  });
});

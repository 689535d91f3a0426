import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  UBOOT_HALT_MENU_KEY,
  UBootConsoleDetector,
  chooseBootEntry,
  matchConsoleMenuEntry,
  menuChoiceKeys,
  type ConsoleMenu,
  type UBootConsoleEvent,
} from '../../../../src/core/boot';
import { DevicesError } from '../../../../src/core/errors';

/** Recorded from Debian's u-boot 2023.01 in qemu; see test/fixtures/boot/console/SOURCES.md. */
const transcript = (name: string): Buffer => readFileSync(join(__dirname, '../../../fixtures/boot/console', name));

function feedInChunks(bytes: Buffer, chunkSize: number): UBootConsoleEvent[] {
  const detector = new UBootConsoleDetector();
  const events: UBootConsoleEvent[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) events.push(...detector.feed(bytes.subarray(at, at + chunkSize)));
  return events;
}

const summary = (events: readonly UBootConsoleEvent[]): string[] =>
  events.map((event) => {
    switch (event.kind) {
      case 'banner':
        return `banner ${event.version}`;
      case 'autoboot-countdown':
        return `countdown ${event.secondsLeft}`;
      case 'menu':
        return `menu "${event.menu.title ?? ''}" ${event.menu.entries.map((e) => e.number).join(',')}`;
      case 'choice-not-found':
        return `not-found ${event.choice}`;
      case 'booting-entry':
        return `booting ${event.entry.number} ${event.reason}`;
      case 'retrieving-file':
        return `file ${event.path.replace(/^.*\/[0-9a-z]{32}-/, '')}`;
      case 'prompt':
        return 'prompt';
    }
  });

const CHOICE_EVENTS = [
  'banner 2023.01+dfsg-2+deb12u3',
  'countdown 2',
  'countdown 1',
  'countdown 0',
  'file /boot/extlinux/extlinux.conf',
  `menu "${'-'.repeat(60)}" 1,2,3,4`,
  'booting 3 chosen',
  'file initrd-linux-6.6.28-initrd',
  'file linux-6.6.28-zImage',
  'booting 1 fallback',
  'file initrd-linux-6.6.30-initrd',
  'file linux-6.6.30-zImage',
  'booting 2 fallback',
  'file initrd-linux-6.6.30-initrd',
  'file linux-6.6.30-zImage',
  'booting 4 fallback',
  'file initrd-linux-6.6.22-initrd',
  'file linux-6.6.22-zImage',
  'prompt',
];

describe('u-boot console detector on recorded u-boot output', () => {
  for (const chunkSize of [1, 7, 64, 100_000]) {
    it(`sees countdown, menu, chosen entry, its files, fallbacks and the prompt in ${chunkSize}-byte chunks`, () => {
      assert.deepEqual(summary(feedInChunks(transcript('menu-choose-3.txt'), chunkSize)), CHOICE_EVENTS);
    });
  }

  it('reads the menu entries with their NixOS labels', () => {
    const menu = feedInChunks(transcript('menu-choose-3.txt'), 13).find((e) => e.kind === 'menu');
    assert.ok(menu?.kind === 'menu');
    const third = menu.menu.entries[2];
    assert.equal(third?.text, 'NixOS - Configuration 2-default (1970-01-01 00:02 - 24.05.20240423.63c3a29)');
    assert.deepEqual(third?.nixos, { isDefault: false, generation: 2, dateText: '1970-01-01 00:02', versionText: '24.05.20240423.63c3a29' });
    assert.deepEqual(menu.menu.entries[0]?.nixos, { isDefault: true });
  });

  it('reports a menu that timed out as the default entry booting for that reason', () => {
    const events = summary(feedInChunks(transcript('menu-timeout.txt'), 5));
    assert.deepEqual(events.slice(events.indexOf('booting 1 timeout') - 1, events.indexOf('booting 1 timeout') + 2), [
      `menu "${'-'.repeat(60)}" 1,2,3,4`,
      'booting 1 timeout',
      'file initrd-linux-6.6.30-initrd',
    ]);
  });

  it('sees a stopped autoboot end at the prompt without a menu', () => {
    assert.deepEqual(summary(feedInChunks(transcript('stop-autoboot.txt'), 3)), [
      'banner 2023.01+dfsg-2+deb12u3',
      'countdown 2',
      'countdown 1',
      'countdown 0',
      'prompt',
    ]);
  });
});

describe('u-boot console detector on edge cases', () => {
  it('reports a choice u-boot did not accept, then the menu shown again', () => {
    const detector = new UBootConsoleDetector();
    const events = [
      ...detector.feed('TITLE\r\n1:\tA\r\n2:\tB\r\nEnter choice: '),
      ...detector.feed('7\r\n7 not found\r\nTITLE\r\n1:\tA\r\n2:\tB\r\nEnter choice: '),
    ];
    assert.deepEqual(summary(events), ['menu "TITLE" 1,2', 'not-found 7', 'menu "TITLE" 1,2']);
  });

  it('does not take numbered lines without an Enter choice prompt for a menu', () => {
    const detector = new UBootConsoleDetector();
    assert.deepEqual(summary(detector.feed('1:\tfoo\r\n2:\tbar\r\n=> ')), ['prompt']);
    assert.deepEqual(summary(detector.feed('help\r\nEnter choice: ')), []);
  });

  it('gives listeners the same events as feed returns, and stops after dispose', () => {
    const detector = new UBootConsoleDetector();
    const seen: UBootConsoleEvent[] = [];
    const subscription = detector.onEvent((event) => seen.push(event));
    const returned = detector.feed('Retrieving file: /a\n');
    subscription.dispose();
    detector.feed('Retrieving file: /b\n');
    assert.deepEqual(seen, returned);
    assert.equal(seen.length, 1);
  });
});

const MENU: ConsoleMenu = {
  entries: [
    { number: 1, text: 'NixOS - Default', nixos: { isDefault: true } },
    { number: 2, text: 'NixOS - Configuration 21-default (x)', nixos: { isDefault: false, generation: 21 } },
    { number: 3, text: 'NixOS - Configuration 2-ap (x)', nixos: { isDefault: false, generation: 2, specialisation: 'ap' } },
    { number: 4, text: 'NixOS - Configuration 2-default (x)', nixos: { isDefault: false, generation: 2 } },
  ],
};

describe('choosing a menu entry', () => {
  it('matches by label, not position or prefix', () => {
    assert.equal(matchConsoleMenuEntry(MENU, { generation: 2 })?.number, 4);
    assert.equal(matchConsoleMenuEntry(MENU, { generation: 2, specialisation: 'ap' })?.number, 3);
    assert.equal(matchConsoleMenuEntry(MENU, { default: true })?.number, 1);
    assert.equal(matchConsoleMenuEntry(MENU, { text: 'NixOS - Configuration 21-default (x)' })?.number, 2);
    assert.equal(matchConsoleMenuEntry(MENU, { generation: 3 }), undefined);
  });

  it('types the number then carriage return', () => {
    assert.equal(menuChoiceKeys(12), '12\r');
  });

  it('halts the countdown first, then types the entry, and resolves when u-boot boots it', async () => {
    const detector = new UBootConsoleDetector();
    const written: string[] = [];
    const chosen = chooseBootEntry({ detector, write: (keys) => void written.push(keys), query: { generation: 2 }, timeoutMs: 5_000 });
    detector.feed('----\r\n1:\tNixOS - Default\r\n2:\tNixOS - Configuration 2 (1970-01-01 00:00 - 24.05)\r\nEnter choice: ');
    assert.deepEqual(written, [UBOOT_HALT_MENU_KEY, '2\r']);
    detector.feed('2\r\n2:\tNixOS - Configuration 2 (1970-01-01 00:00 - 24.05)\r\n');
    assert.equal((await chosen).entry.number, 2);
  });

  it('leaves the menu halted and fails with NOT_FOUND when the generation is not listed', async () => {
    const detector = new UBootConsoleDetector();
    const written: string[] = [];
    const chosen = chooseBootEntry({ detector, write: (keys) => void written.push(keys), query: { generation: 9 }, timeoutMs: 5_000 });
    detector.feed('1:\tNixOS - Default\r\nEnter choice: ');
    await assert.rejects(chosen, (error: unknown) => error instanceof DevicesError && error.code === 'NOT_FOUND' && /configuration 9/.test(error.message));
    assert.deepEqual(written, [UBOOT_HALT_MENU_KEY]);
  });

  it('fails with TIMEOUT when no menu comes', async () => {
    const detector = new UBootConsoleDetector();
    await assert.rejects(
      chooseBootEntry({ detector, write: () => undefined, query: { generation: 1 }, timeoutMs: 20 }),
      (error: unknown) => error instanceof DevicesError && error.code === 'TIMEOUT',
    );
  });
});

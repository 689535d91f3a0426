import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  UBOOT_HALT_MENU_KEY,
  UBOOT_STOP_AUTOBOOT_KEY,
  UBootConsoleHelper,
  type ConsoleMenu,
  type UBootHelperEvent,
} from '../../../../src/core/boot';
import { RecordedConsole, oddChunks, splitAtMenu, transcript } from './recorded-console';

/** Recorded from the real u-boot: entries Default, 1, 3, 2; generation 2 is entry 4. */
const OUT_OF_ORDER = splitAtMenu(transcript('menu-pick-out-of-order.txt'));

function setup(): { console: RecordedConsole; helper: UBootConsoleHelper; events: UBootHelperEvent[] } {
  const console = new RecordedConsole();
  const helper = new UBootConsoleHelper(console);
  const events: UBootHelperEvent[] = [];
  helper.onEvent((event) => events.push(event));
  return { console, helper, events };
}

function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('U-Boot console helper: picking from the menu', () => {
  it('halts the countdown before asking, then types the entry labelled generation 2, not position 2', async () => {
    const { console, helper, events } = setup();
    let writesWhenAsked: string[] | undefined;
    let asked: ConsoleMenu | undefined;
    helper.onMenu((menu) => {
      writesWhenAsked = [...console.writes];
      asked = menu;
      return Promise.resolve({ generation: 2 });
    });
    console.push(OUT_OF_ORDER.menu);
    assert.deepEqual(writesWhenAsked, [UBOOT_HALT_MENU_KEY], 'the halt key went out before the user was asked');
    assert.deepEqual(asked?.entries.map((e) => e.nixos?.generation ?? 'default'), ['default', 1, 3, 2]);
    await nextTick();
    assert.deepEqual(console.writes, [UBOOT_HALT_MENU_KEY, '4\r']);
    console.push(OUT_OF_ORDER.rest);
    const booting = events.find((e) => e.kind === 'booting-entry');
    assert.ok(booting?.kind === 'booting-entry');
    assert.equal(booting.entry.number, 4);
    assert.equal(booting.entry.nixos?.generation, 2);
    assert.equal(booting.reason, 'chosen');
    assert.deepEqual(
      events.filter((e) => e.kind === 'menu' || e.kind === 'entry-typed').map((e) => e.kind),
      ['menu', 'entry-typed'],
    );
    assert.equal(helper.lastMenu, asked);
  });

  for (const seed of [1, 7, 42, 1234]) {
    it(`reads the menu and picks the same entry when it arrives in odd chunks (seed ${String(seed)})`, async () => {
      const { console, helper } = setup();
      const asked: ConsoleMenu[] = [];
      helper.onMenu((menu) => {
        asked.push(menu);
        return Promise.resolve({ generation: 2 });
      });
      console.push(oddChunks(OUT_OF_ORDER.menu, seed));
      await nextTick();
      assert.equal(asked.length, 1);
      assert.equal(asked[0]?.entries.length, 4);
      assert.equal(asked[0]?.title, '-'.repeat(60));
      assert.deepEqual(console.writes, [UBOOT_HALT_MENU_KEY, '4\r']);
    });
  }

  it('sees the prompt only once it is complete when a chunk ends inside "Enter choice: " or a CR LF', () => {
    const { console, helper } = setup();
    let asked = 0;
    helper.onMenu(() => {
      asked += 1;
      return Promise.resolve(undefined);
    });
    const text = OUT_OF_ORDER.menu.toString('latin1');
    const cuts = [text.indexOf('2:\t') + 2, text.indexOf('4:\tNixOS') + 20, text.lastIndexOf('\r\n') + 1, text.length - 'oice: '.length, text.length - 1];
    let from = 0;
    for (const cut of cuts) {
      console.push(OUT_OF_ORDER.menu.subarray(from, cut));
      assert.equal(asked, 0, `no menu before byte ${String(cut)} of ${String(text.length)}`);
      from = cut;
    }
    console.push(OUT_OF_ORDER.menu.subarray(from));
    assert.equal(asked, 1);
    assert.deepEqual(console.writes, [UBOOT_HALT_MENU_KEY]);
  });

  it('types nothing when the board was reset while the user was still picking', async () => {
    const { console, helper } = setup();
    let answer: ((value: { generation: number }) => void) | undefined;
    let pickSignal: AbortSignal | undefined;
    helper.onMenu((_menu, signal) => {
      pickSignal = signal;
      return new Promise((resolve) => (answer = resolve));
    });
    console.push(OUT_OF_ORDER.menu);
    console.push('\r\n\r\nU-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)\r\n');
    assert.equal(pickSignal?.aborted, true, 'the quick pick is told to close');
    answer?.({ generation: 2 });
    await nextTick();
    assert.deepEqual(console.writes, [UBOOT_HALT_MENU_KEY]);
  });

  it('reports a generation the menu lacks and leaves the menu halted', async () => {
    const { console, helper, events } = setup();
    helper.onMenu(() => Promise.resolve({ generation: 9 }));
    console.push(OUT_OF_ORDER.menu);
    await nextTick();
    const failed = events.find((e) => e.kind === 'pick-failed');
    assert.ok(failed?.kind === 'pick-failed');
    assert.equal(failed.error.code, 'NOT_FOUND');
    assert.match(failed.error.message, /configuration 9.*halted/);
    assert.deepEqual(console.writes, [UBOOT_HALT_MENU_KEY]);
  });

  it('without a pick handler, only reports the menu and leaves its countdown running', () => {
    const { console, helper, events } = setup();
    console.push(OUT_OF_ORDER.menu);
    assert.deepEqual(console.writes, []);
    const menu = events.find((e) => e.kind === 'menu');
    assert.ok(menu?.kind === 'menu');
    assert.equal(menu.halted, false);
    assert.equal(helper.lastMenu?.entries.length, 4);
  });

  it('leaves the menu to an automatic choice, without asking the pick handler', async () => {
    const { console, helper } = setup();
    let asked = 0;
    helper.onMenu(() => {
      asked += 1;
      return Promise.resolve({ generation: 1 });
    });
    const chosen = helper.chooseEntry({ generation: 3 }, { timeoutMs: 5_000 });
    console.push(OUT_OF_ORDER.menu);
    assert.deepEqual(console.writes, [UBOOT_HALT_MENU_KEY, '3\r']);
    console.push('3\r\n3:\tNixOS - Configuration 3-default (1970-01-01 00:03 - 24.05.20240501.5c24cf2)\r\n');
    assert.equal((await chosen).entry.nixos?.generation, 3);
    assert.equal(asked, 0);
  });

  it('leaves menus alone while a boot test stands aside, and picks again after', async () => {
    const { console, helper, events } = setup();
    let asked = 0;
    helper.onMenu(() => {
      asked += 1;
      return Promise.resolve(undefined);
    });
    const aside = helper.standAside();
    console.push(OUT_OF_ORDER.menu);
    assert.equal(asked, 0);
    assert.deepEqual(console.writes, []);
    assert.deepEqual(events.flatMap((e) => (e.kind === 'menu' ? [e.halted] : [])), [false], 'the menu is reported, its countdown running');
    aside.dispose();
    aside.dispose();
    console.push(OUT_OF_ORDER.menu);
    await nextTick();
    assert.equal(asked, 1);
  });

  it('stops reading the console when disposed', () => {
    const { console, helper } = setup();
    helper.dispose();
    assert.equal(console.listenerCount, 0);
  });
});

describe('U-Boot console helper: Stop autoboot', () => {
  const recorded = transcript('stop-autoboot.txt');
  const countdownAt = recorded.indexOf(' 1 ') + 3;

  it('offers Stop autoboot while u-boot counts down and sends the key when asked', async () => {
    const { console, helper, events } = setup();
    console.push(oddChunks(recorded.subarray(0, countdownAt), 3, 5));
    assert.equal(helper.autobootOffered, true);
    await helper.stopAutoboot();
    assert.deepEqual(console.writes, [UBOOT_STOP_AUTOBOOT_KEY]);
    assert.deepEqual(events, [
      { kind: 'autoboot-offer', secondsLeft: 2 },
      { kind: 'autoboot-offer', secondsLeft: 1 },
      { kind: 'autoboot-offer-ended', reason: 'stopped' },
    ]);
    assert.equal(helper.autobootOffered, false);
  });

  it('withdraws the offer when the countdown reaches 0', () => {
    const { console, helper, events } = setup();
    console.push(transcript('menu-timeout.txt').subarray(0, 900));
    assert.deepEqual(
      events.filter((e) => e.kind.startsWith('autoboot')),
      [
        { kind: 'autoboot-offer', secondsLeft: 2 },
        { kind: 'autoboot-offer', secondsLeft: 1 },
        { kind: 'autoboot-offer-ended', reason: 'elapsed' },
      ],
    );
    assert.equal(helper.autobootOffered, false);
  });

  it('finds a console marker split across chunks', async () => {
    const { console, helper } = setup();
    const seen = helper.waitForText(/<<< Welcome to NixOS [^>]* >>>/);
    console.push(['<<< Welcome to Ni', 'xOS 24.05.20240510.4a81b7c (armv7l) ', '>>>\r\n'].map((s) => Buffer.from(s)));
    assert.equal(await seen, '<<< Welcome to NixOS 24.05.20240510.4a81b7c (armv7l) >>>');
  });
});

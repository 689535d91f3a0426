/**
 * The U-Boot helper of a serial console: it reads u-boot's output from a ConsoleStream (a local
 * port, a port on a board, a test's pty), offers "Stop autoboot" while u-boot counts down, and at
 * the extlinux menu either lets the user pick (pick mode: the countdown is halted FIRST, so the
 * default cannot boot while a quick pick is open) or makes an automatic choice for a rescue or a
 * boot test. Entries are always found by their NixOS label, never by position. It keeps the last
 * menu read from the console, which a rescue uses to say upfront whether a generation is there.
 */
import { DevicesError, toDevicesError } from '../errors';
import type { Disposable } from '../jobs';
import type { ConsoleStream } from '../serial/console-stream';
import { UBootConsoleDetector, type BootReason, type ConsoleMenu, type ConsoleMenuEntry, type UBootConsoleEvent } from './uboot-console';
import {
  UBOOT_HALT_MENU_KEY,
  UBOOT_STOP_AUTOBOOT_KEY,
  chooseBootEntry,
  describeQuery,
  matchConsoleMenuEntry,
  menuChoiceKeys,
  type ChosenBootEntry,
  type ConsoleEntryQuery,
} from './uboot-menu-choice';

/** Why the "Stop autoboot" offer went away. */
export type AutobootOfferEnd =
  /** The countdown reached 0: u-boot runs its boot command. */
  | 'elapsed'
  /** stopAutoboot() sent the key. */
  | 'stopped'
  /** u-boot moved on (its prompt, a menu, a reset) before the countdown ended. */
  | 'superseded';

export type UBootHelperEvent =
  /** Show "Stop autoboot" (again with each second). */
  | { readonly kind: 'autoboot-offer'; readonly secondsLeft: number }
  | { readonly kind: 'autoboot-offer-ended'; readonly reason: AutobootOfferEnd }
  /**
   * The menu is on the console. `halted`: the helper sent the halt key (pick mode or an automatic
   * choice), so u-boot waits; otherwise its countdown runs.
   */
  | { readonly kind: 'menu'; readonly menu: ConsoleMenu; readonly halted: boolean }
  /** The helper typed this entry's number. */
  | { readonly kind: 'entry-typed'; readonly entry: ConsoleMenuEntry; readonly query: ConsoleEntryQuery }
  | { readonly kind: 'booting-entry'; readonly entry: ConsoleMenuEntry; readonly reason: BootReason }
  /** A pick could not be typed (entry missing, write failed, handler threw); the menu stays halted. */
  | { readonly kind: 'pick-failed'; readonly error: DevicesError };

/**
 * Asked which entry to boot once the menu is halted (the UI shows a quick pick). Return a query
 * by label (`{ text: entry.text }` for a picked menu line, `{ generation: 41 }`), or undefined to
 * leave the menu halted for the user to type in the terminal. `signal` aborts when the menu is no
 * longer waiting (the board was reset, or someone typed a choice in the terminal): close the pick.
 */
export type MenuPickHandler = (menu: ConsoleMenu, signal: AbortSignal) => Promise<ConsoleEntryQuery | undefined>;

export interface ChooseEntryOptions {
  /** How long to wait for the menu (a power cycle included) and then for u-boot to start the entry. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Told when the menu appeared, after its countdown was halted. */
  readonly onMenu?: (menu: ConsoleMenu) => void;
}

/** How much recent console text waitForText keeps, so a marker split across chunks still matches. */
const TEXT_WINDOW_CHARS = 4096;

export class UBootConsoleHelper implements Disposable {
  readonly detector = new UBootConsoleDetector();
  private readonly listeners = new Set<(event: UBootHelperEvent) => void>();
  private readonly subscriptions: Disposable[] = [];
  private pickHandler: MenuPickHandler | undefined;
  /** Automatic choices waiting for a menu; while any is, no pick is asked (they choose). */
  private automaticChoices = 0;
  /** standAside() holds; while any is, menus are only reported. */
  private asideHolds = 0;
  private offerOpen = false;
  private menu: ConsoleMenu | undefined;
  private menuWaiting = false;
  private pickAbort: AbortController | undefined;
  private lastEvent: UBootConsoleEvent | undefined;
  private disposed = false;

  constructor(private readonly stream: ConsoleStream) {
    this.subscriptions.push(this.detector.onEvent((event) => this.handle(event)));
    this.subscriptions.push(stream.onData((chunk) => this.detector.feed(chunk)));
  }

  /** The most recent menu u-boot showed on this console (kept across resets). */
  get lastMenu(): ConsoleMenu | undefined {
    return this.menu;
  }

  /** The latest thing u-boot did, as the detector saw it (e.g. `prompt`: u-boot sits at `=> `). */
  get lastConsoleEvent(): UBootConsoleEvent | undefined {
    return this.lastEvent;
  }

  /** Whether "Stop autoboot" is on offer now. */
  get autobootOffered(): boolean {
    return this.offerOpen;
  }

  onEvent(listener: (event: UBootHelperEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Pick mode: at each menu the countdown is halted and `handler` asked; dispose to leave it. */
  onMenu(handler: MenuPickHandler): Disposable {
    this.pickHandler = handler;
    return {
      dispose: () => {
        if (this.pickHandler === handler) this.pickHandler = undefined;
      },
    };
  }

  /**
   * Leaves menus alone while held (no halt, no pick): a boot test lets the default boot as an
   * unattended reboot would. Dispose to hand menus back to pick mode.
   */
  standAside(): Disposable {
    this.asideHolds += 1;
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        this.asideHolds -= 1;
      },
    };
  }

  /**
   * Resolves with the console text that matched `pattern` (e.g. NixOS's stage 2 greeting), looking
   * only at output that arrives after the call; a match may span chunks. Rejects CANCELLED.
   */
  waitForText(pattern: RegExp, signal?: AbortSignal): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const decoder = new TextDecoder('utf-8');
      let window = '';
      const finish = (error: DevicesError | undefined, text?: string): void => {
        subscription.dispose();
        signal?.removeEventListener('abort', onAbort);
        if (error !== undefined) reject(error);
        else resolve(text ?? '');
      };
      const onAbort = (): void => finish(new DevicesError('CANCELLED', 'Cancelled.'));
      const subscription = this.stream.onData((chunk) => {
        window = (window + decoder.decode(chunk, { stream: true })).slice(-TEXT_WINDOW_CHARS);
        const match = pattern.exec(window);
        if (match !== null) finish(undefined, match[0]);
      });
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Sends the key that stops "Hit any key to stop autoboot"; u-boot goes to its `=> ` prompt. */
  async stopAutoboot(): Promise<void> {
    await this.stream.write(UBOOT_STOP_AUTOBOOT_KEY);
    this.endOffer('stopped');
  }

  /**
   * At the next menu: halt it, find `query` by label and type its number; resolves when u-boot
   * starts that entry. Rejects NOT_FOUND (menu left halted) when the menu lacks it, TIMEOUT,
   * CANCELLED. The pick handler is not asked while this waits.
   */
  async chooseEntry(query: ConsoleEntryQuery, options: ChooseEntryOptions): Promise<ChosenBootEntry> {
    this.automaticChoices += 1;
    try {
      return await chooseBootEntry({
        detector: this.detector,
        write: (keys) => this.stream.write(keys),
        query,
        timeoutMs: options.timeoutMs,
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        onMenu: (menu) => {
          this.emit({ kind: 'menu', menu, halted: true });
          options.onMenu?.(menu);
        },
      });
    } finally {
      this.automaticChoices -= 1;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pickAbort?.abort();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.listeners.clear();
  }

  private emit(event: UBootHelperEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken view must not stop the helper from halting the next menu.
      }
    }
  }

  private endOffer(reason: AutobootOfferEnd): void {
    if (!this.offerOpen) return;
    this.offerOpen = false;
    this.emit({ kind: 'autoboot-offer-ended', reason });
  }

  private handle(event: UBootConsoleEvent): void {
    this.lastEvent = event;
    switch (event.kind) {
      case 'autoboot-countdown':
        if (event.secondsLeft > 0) {
          this.offerOpen = true;
          this.emit({ kind: 'autoboot-offer', secondsLeft: event.secondsLeft });
        } else {
          this.endOffer('elapsed');
        }
        return;
      case 'menu':
        this.endOffer('superseded');
        this.abortPick();
        this.menu = event.menu;
        this.menuWaiting = true;
        this.onMenuShown(event.menu);
        return;
      case 'banner':
      case 'prompt':
        this.endOffer('superseded');
        this.menuWaiting = false;
        this.abortPick();
        return;
      case 'booting-entry':
        this.menuWaiting = false;
        this.abortPick();
        this.emit({ kind: 'booting-entry', entry: event.entry, reason: event.reason });
        return;
      case 'choice-not-found':
      case 'retrieving-file':
        return;
    }
  }

  private abortPick(): void {
    this.pickAbort?.abort();
    this.pickAbort = undefined;
  }

  private onMenuShown(menu: ConsoleMenu): void {
    // chooseEntry's own listener halts and chooses; it emits the menu event itself.
    if (this.automaticChoices > 0) return;
    const handler = this.pickHandler;
    if (handler === undefined || this.asideHolds > 0) {
      this.emit({ kind: 'menu', menu, halted: false });
      return;
    }
    // Halt first, before anything else can take time: the menu's countdown is ~1 s.
    const halted = this.stream.write(UBOOT_HALT_MENU_KEY);
    this.emit({ kind: 'menu', menu, halted: true });
    const abort = new AbortController();
    this.pickAbort = abort;
    void this.pick(menu, handler, halted, abort.signal).catch((error: unknown) => {
      this.emit({ kind: 'pick-failed', error: toDevicesError(error) });
    });
  }

  private async pick(menu: ConsoleMenu, handler: MenuPickHandler, halted: Promise<void>, signal: AbortSignal): Promise<void> {
    // The halt key is already on its way; the user is asked at once, in the same tick.
    const answer = handler(menu, signal);
    // When the halt fails the answer is not awaited; its rejection must not go unhandled.
    answer.catch(() => undefined);
    await halted.catch((error: unknown) => {
      throw new DevicesError('PORT_UNAVAILABLE', 'Could not send the key that halts the boot menu to the serial console.', { cause: error });
    });
    const query = await answer;
    // The user answered after the board moved on (reset, or a choice typed by hand): type nothing.
    if (query === undefined || signal.aborted || this.disposed || !this.menuWaiting || this.menu !== menu) return;
    const entry = matchConsoleMenuEntry(menu, query);
    if (entry === undefined) {
      const shown = menu.entries.map((e) => `${String(e.number)}: ${e.text}`).join('; ');
      throw new DevicesError('NOT_FOUND', `The boot menu has no ${describeQuery(query)}; it shows: ${shown}. The menu is halted and waits for a choice.`);
    }
    await this.stream.write(menuChoiceKeys(entry.number));
    this.emit({ kind: 'entry-typed', entry, query });
  }
}

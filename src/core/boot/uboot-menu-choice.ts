/**
 * Choosing an extlinux menu entry on u-boot's console: which keys to send, which entry a label
 * means, and a driver that does both once the menu appears.
 */
import { DevicesError } from '../errors';
import type { ConsoleMenu, ConsoleMenuEntry, UBootConsoleDetector, UBootConsoleEvent } from './uboot-console';

/**
 * Ctrl-U halts the extlinux menu's countdown without choosing anything. The countdown is only a
 * wait for the FIRST key (common/cli_readline.c `cread_line`: `if (first && timeout)` waits with
 * a deadline, then `first = 0`), so any key stops it; Ctrl-U is "erase line", which on an empty
 * line prints nothing and leaves the choice buffer empty, in both the editing and the simple
 * readline. Not Ctrl-C: in u-boot 2023.01 `menu_interactive_choice` answers an interrupted read
 * with the DEFAULT entry (later versions print `<INTERRUPT>` and leave the menu). Not NUL: older
 * u-boot put it into the buffer.
 */
export const UBOOT_HALT_MENU_KEY = '\x15';

/**
 * Stops "Hit any key to stop autoboot" (common/autoboot.c reads and drops one key) and leaves
 * u-boot at its `=> ` prompt, with no menu. Ctrl-U, so that a key arriving just after the
 * countdown ended is harmless at the menu. Boards built with AUTOBOOT_KEYED want their own string.
 */
export const UBOOT_STOP_AUTOBOOT_KEY = '\x15';

/** What to type at `Enter choice: ` for entry `number`. */
export function menuChoiceKeys(number: number): string {
  return `${number}\r`;
}

/** A menu entry named by its NixOS label, never by its position. */
export type ConsoleEntryQuery =
  /** "Configuration 41" (or "41-default"); with `specialisation`, "Configuration 41-<name>". */
  | { readonly generation: number; readonly specialisation?: string }
  /** "NixOS - Default". */
  | { readonly default: true }
  /** The exact text u-boot shows. */
  | { readonly text: string };

export function matchConsoleMenuEntry(menu: ConsoleMenu, query: ConsoleEntryQuery): ConsoleMenuEntry | undefined {
  return menu.entries.find((entry) => {
    if ('text' in query) return entry.text === query.text;
    if ('default' in query) return entry.nixos?.isDefault === true;
    return entry.nixos?.generation === query.generation && entry.nixos.specialisation === query.specialisation;
  });
}

export function describeQuery(query: ConsoleEntryQuery): string {
  if ('text' in query) return `"${query.text}"`;
  if ('default' in query) return '"NixOS - Default"';
  return query.specialisation === undefined
    ? `configuration ${query.generation}`
    : `configuration ${query.generation}-${query.specialisation}`;
}

export interface ChooseBootEntryOptions {
  readonly detector: UBootConsoleDetector;
  /** Sends keys to the console. */
  readonly write: (keys: string) => void | Promise<void>;
  readonly query: ConsoleEntryQuery;
  /** How long to wait for the menu and then for u-boot to start the entry. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Told when the menu appeared, after its countdown was halted. */
  readonly onMenu?: (menu: ConsoleMenu) => void;
}

export interface ChosenBootEntry {
  readonly menu: ConsoleMenu;
  readonly entry: ConsoleMenuEntry;
}

/**
 * Waits for the extlinux menu, halts its countdown at once (so the default cannot boot while we
 * look), finds the entry by label and types its number; resolves when u-boot starts that entry.
 * When the entry is missing it rejects with NOT_FOUND and leaves the menu halted, waiting.
 */
export function chooseBootEntry(options: ChooseBootEntryOptions): Promise<ChosenBootEntry> {
  const { detector, write, query, timeoutMs, signal } = options;
  return new Promise<ChosenBootEntry>((resolve, reject) => {
    let chosen: ChosenBootEntry | undefined;
    const finish = (error: DevicesError | undefined, value?: ChosenBootEntry): void => {
      clearTimeout(timer);
      subscription.dispose();
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else if (value !== undefined) resolve(value);
    };
    const onAbort = (): void => finish(new DevicesError('CANCELLED', 'Cancelled.'));
    const send = (keys: string): void => {
      Promise.resolve(write(keys)).catch((error: unknown) =>
        finish(new DevicesError('PORT_UNAVAILABLE', 'Could not write to the serial console.', { cause: error })),
      );
    };
    const onEvent = (event: UBootConsoleEvent): void => {
      if (event.kind === 'menu') {
        send(UBOOT_HALT_MENU_KEY);
        options.onMenu?.(event.menu);
        const entry = matchConsoleMenuEntry(event.menu, query);
        if (entry === undefined) {
          const shown = event.menu.entries.map((e) => `${e.number}: ${e.text}`).join('; ');
          finish(new DevicesError('NOT_FOUND', `The boot menu has no ${describeQuery(query)}; it shows: ${shown}. The menu is halted and waits for a choice.`));
          return;
        }
        chosen = { menu: event.menu, entry };
        send(menuChoiceKeys(entry.number));
      } else if (event.kind === 'booting-entry' && chosen !== undefined) {
        if (event.entry.number === chosen.entry.number) finish(undefined, chosen);
        else finish(new DevicesError('PROGRAM_FAILED', `u-boot started entry ${event.entry.number} ("${event.entry.text}") instead of ${chosen.entry.number}.`));
      } else if (event.kind === 'choice-not-found') {
        finish(new DevicesError('NOT_FOUND', `u-boot did not accept the choice "${event.choice}".`));
      }
    };
    const subscription = detector.onEvent(onEvent);
    const timer = setTimeout(() => {
      const what = chosen === undefined ? 'for the boot menu' : `for u-boot to start entry ${chosen.entry.number}`;
      finish(new DevicesError('TIMEOUT', `Waited ${Math.round(timeoutMs / 1000)} s ${what} on the serial console.`));
    }, timeoutMs);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

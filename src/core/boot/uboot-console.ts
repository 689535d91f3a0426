/**
 * Recognises u-boot on a serial console from the raw bytes as they arrive.
 *
 * What u-boot prints (u-boot 2023.01 as Debian ships it, checked against qemu_arm):
 * - `U-Boot 2023.01+dfsg-2+deb12u3 (…)`: a (re)boot started;
 * - `Hit any key to stop autoboot:  2 \b\b\b 1 \b\b\b 0 `: the autoboot countdown, on one line
 *   rewritten with backspaces (common/autoboot.c);
 * - the extlinux menu (boot/pxe_utils.c `label_print`, common/menu.c `menu_display`): the MENU
 *   TITLE on its own line, `N:\t<menu label>` per entry, then `Enter choice: ` with no newline;
 * - after a choice, `label_boot` prints the chosen `N:\t<menu label>` again; when the menu times
 *   out that line follows `Enter choice: ` on the same line (readline printed no newline);
 * - `Retrieving file: <path>` for each file it loads (initrd first, then kernel, then FDT);
 * - `<typed> not found` for a number that is not in the menu, then the menu again;
 * - `=> `: the command prompt.
 */
import type { Disposable } from '../jobs';
import { parseNixosMenuLabel, type NixosMenuLabel } from './nixos-labels';

export interface ConsoleMenuEntry {
  readonly number: number;
  readonly text: string;
  /** The text read as a NixOS menu label, when it is one. */
  readonly nixos?: NixosMenuLabel;
}

export interface ConsoleMenu {
  readonly title?: string;
  readonly entries: readonly ConsoleMenuEntry[];
}

export type UBootConsoleEvent =
  | { readonly kind: 'banner'; readonly version: string }
  | { readonly kind: 'autoboot-countdown'; readonly secondsLeft: number }
  /** The menu is complete and u-boot waits at `Enter choice: `. */
  | { readonly kind: 'menu'; readonly menu: ConsoleMenu }
  | { readonly kind: 'choice-not-found'; readonly choice: string }
  /** u-boot started this entry: chosen, the default after the menu timed out, or a fallback. */
  | { readonly kind: 'booting-entry'; readonly entry: ConsoleMenuEntry; readonly reason: BootReason }
  | { readonly kind: 'retrieving-file'; readonly path: string }
  | { readonly kind: 'prompt' };

/**
 * `fallback`: the entry booted before failed (a bad kernel) and u-boot's
 * boot_unattempted_labels is trying the others in file order.
 */
export type BootReason = 'chosen' | 'timeout' | 'fallback';

const ENTRY_LINE = /^(\d+):\t(.*)$/;
const CHOICE_PROMPT = 'Enter choice: ';
const AUTOBOOT = 'Hit any key to stop autoboot:';
/** Bounds the unterminated line kept between chunks (a console can stream without newlines). */
const MAX_PARTIAL_CHARS = 4096;

type MenuState = 'idle' | 'collecting' | 'waiting-choice' | 'choice-typed' | 'booting';

function entryFrom(match: RegExpExecArray): ConsoleMenuEntry {
  const text = match[2] ?? '';
  const nixos = parseNixosMenuLabel(text);
  return { number: Number(match[1]), text, ...(nixos !== undefined ? { nixos } : {}) };
}

export class UBootConsoleDetector {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly listeners = new Set<(event: UBootConsoleEvent) => void>();
  private partial = '';
  private previousLine = '';
  private state: MenuState = 'idle';
  private pendingTitle: string | undefined;
  private pendingEntries: ConsoleMenuEntry[] = [];
  private shownEntries: readonly ConsoleMenuEntry[] = [];
  // Per unterminated line, so each prompt or countdown step is reported once.
  private partialPromptSeen = false;
  private countdownSteps = 0;

  onEvent(listener: (event: UBootConsoleEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Feeds console output; returns the events it completed (also sent to listeners). */
  feed(data: string | Uint8Array): readonly UBootConsoleEvent[] {
    const text = typeof data === 'string' ? data : this.decoder.decode(data, { stream: true });
    const events: UBootConsoleEvent[] = [];
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/\r+$/, '').replace(/^\r+/, '');
      // A chunk can hold the prompt and what was typed after it (a replayed log).
      if (!this.partialPromptSeen) this.checkMenuPrompt(line, events);
      this.completeLine(line, events);
      this.partialPromptSeen = false;
      this.countdownSteps = 0;
    }
    if (this.partial.length > MAX_PARTIAL_CHARS) this.partial = this.partial.slice(-MAX_PARTIAL_CHARS);
    this.inspectPartial(events);
    for (const event of events) for (const listener of [...this.listeners]) listener(event);
    return events;
  }

  private inspectPartial(events: UBootConsoleEvent[]): void {
    const line = this.partial.replace(/^\r+/, '');
    this.checkCountdown(line, events);
    if (this.partialPromptSeen) return;
    if (!this.checkMenuPrompt(line, events) && line === '=> ') {
      this.partialPromptSeen = true;
      this.resetMenu();
      events.push({ kind: 'prompt' });
    }
  }

  private checkMenuPrompt(line: string, events: UBootConsoleEvent[]): boolean {
    if (line.startsWith(CHOICE_PROMPT) && this.pendingEntries.length > 0) {
      this.partialPromptSeen = true;
      this.shownEntries = this.pendingEntries;
      const menu: ConsoleMenu = {
        ...(this.pendingTitle !== undefined ? { title: this.pendingTitle } : {}),
        entries: this.pendingEntries,
      };
      this.pendingEntries = [];
      this.pendingTitle = undefined;
      this.state = 'waiting-choice';
      events.push({ kind: 'menu', menu });
      return true;
    }
    return false;
  }

  private checkCountdown(line: string, events: UBootConsoleEvent[]): void {
    const at = line.indexOf(AUTOBOOT);
    if (at === -1) return;
    // The countdown rewrites itself on one line: `%2d ` per second, erased with backspaces. A
    // number counts once its trailing space arrived (so a chunk ending in "1" of "10" is not 1).
    const steps = [...line.slice(at + AUTOBOOT.length).matchAll(/(\d+) /g)];
    for (let index = this.countdownSteps; index < steps.length; index++) {
      events.push({ kind: 'autoboot-countdown', secondsLeft: Number(steps[index]?.[1]) });
    }
    this.countdownSteps = Math.max(this.countdownSteps, steps.length);
  }

  private completeLine(line: string, events: UBootConsoleEvent[]): void {
    this.checkCountdown(line, events);
    const banner = /^U-Boot (\S.*?)(?: \(|$)/.exec(line);
    if (banner !== null) {
      this.resetMenu();
      events.push({ kind: 'banner', version: banner[1] ?? '' });
    }
    const retrieving = /^Retrieving file: (.*)$/.exec(line);
    if (retrieving !== null) events.push({ kind: 'retrieving-file', path: retrieving[1] ?? '' });

    let rest = line;
    let afterPrompt = false;
    if (this.state === 'waiting-choice' && line.startsWith(CHOICE_PROMPT)) {
      rest = line.slice(CHOICE_PROMPT.length);
      afterPrompt = true;
    }
    const entryMatch = ENTRY_LINE.exec(rest);
    if (entryMatch !== null) {
      const entry = entryFrom(entryMatch);
      const shown = this.shownEntries.find((e) => e.number === entry.number && e.text === entry.text);
      if (this.state === 'waiting-choice' || this.state === 'choice-typed') {
        events.push({ kind: 'booting-entry', entry: shown ?? entry, reason: afterPrompt ? 'timeout' : 'chosen' });
        this.state = 'booting';
      } else if (this.state === 'booting' && shown !== undefined) {
        events.push({ kind: 'booting-entry', entry: shown, reason: 'fallback' });
      } else {
        if (this.pendingEntries.length === 0) this.pendingTitle = this.titleCandidate();
        this.pendingEntries.push(entry);
        this.state = 'collecting';
      }
    } else if (afterPrompt) {
      this.state = 'choice-typed';
    } else if (this.state === 'choice-typed') {
      const notFound = /^(.*) not found$/.exec(line);
      if (notFound !== null) {
        events.push({ kind: 'choice-not-found', choice: notFound[1] ?? '' });
        this.state = 'idle';
      }
    } else if (this.pendingEntries.length > 0) {
      // Numbered lines that are not followed by `Enter choice:` were not a menu.
      this.resetMenu();
    }
    this.previousLine = line;
  }

  private titleCandidate(): string | undefined {
    const line = this.previousLine;
    if (line === '' || line.startsWith('Retrieving file: ') || / not found$/.test(line)) return undefined;
    return line;
  }

  private resetMenu(): void {
    this.state = 'idle';
    this.pendingEntries = [];
    this.pendingTitle = undefined;
  }
}

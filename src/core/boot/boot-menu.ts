/**
 * The boot menu as u-boot shows it, and the questions deploy and generations ask of it.
 *
 * Numbering follows u-boot's pxe_menu_to_menu (boot/pxe_utils.c): every LABEL in file order gets
 * the next number from 1, shown as `N:\t<MENU LABEL, else the label name>`; the default is the
 * entry whose label equals DEFAULT (the last such entry, as u-boot's loop keeps overwriting).
 * In NixOS's file, entry 1 is `nixos-default`, "NixOS - Default".
 */
import { DevicesError } from '../errors';
import type { ExtlinuxEntry, ExtlinuxLine, ExtlinuxMenu } from './extlinux-model';

export interface BootMenuItem {
  /** What to type at `Enter choice:`. */
  readonly number: number;
  /** The text u-boot prints after the number. */
  readonly text: string;
  readonly entry: ExtlinuxEntry;
  /** u-boot boots this one when the menu times out. */
  readonly isDefault: boolean;
}

export function bootMenuItems(menu: ExtlinuxMenu): readonly BootMenuItem[] {
  const defaultIndex = defaultEntryIndex(menu);
  return menu.entries.map((entry, index) => ({
    number: index + 1,
    text: entry.menuLabel ?? entry.label,
    entry,
    isDefault: index === defaultIndex,
  }));
}

function defaultEntryIndex(menu: ExtlinuxMenu): number {
  const wanted = menu.header.defaultLabel;
  if (wanted === undefined) return -1;
  let found = -1;
  menu.entries.forEach((entry, index) => {
    if (entry.label === wanted) found = index;
  });
  return found;
}

/** The entry u-boot boots by default, or undefined when DEFAULT is missing or names no entry. */
export function defaultEntry(menu: ExtlinuxMenu): ExtlinuxEntry | undefined {
  return menu.entries[defaultEntryIndex(menu)];
}

/** How long u-boot shows the menu before it boots DEFAULT. */
export type MenuCountdown =
  /** No top-level MENU line: u-boot boots DEFAULT at once; there is no menu to rescue with. */
  | { readonly kind: 'no-menu' }
  | { readonly kind: 'seconds'; readonly seconds: number }
  /** The menu waits for a choice (TIMEOUT 0, or missing). */
  | { readonly kind: 'forever' }
  /** A negative wait after rounding: u-boot's first-key deadline has already passed. */
  | { readonly kind: 'immediate' };

/**
 * u-boot 2023.01 gives the menu `DIV_ROUND_UP(timeout, 10)` seconds in C integer arithmetic
 * (boot/pxe_utils.c), and readline treats 0 as "no deadline" (common/cli_readline.c). So the
 * `TIMEOUT -10` older NixOS wrote for `boot.loader.timeout = 0` rounds to 0 and waits forever,
 * which is why newer NixOS drops MENU TITLE instead (checked on Debian's u-boot 2023.01 in qemu:
 * with TIMEOUT -10 the menu was still waiting after 6 s).
 */
export function menuCountdown(menu: ExtlinuxMenu): MenuCountdown {
  if (!menu.header.showsMenu) return { kind: 'no-menu' };
  const seconds = Math.trunc(((menu.header.timeoutTenths ?? 0) + 9) / 10);
  if (seconds === 0) return { kind: 'forever' };
  return seconds < 0 ? { kind: 'immediate' } : { kind: 'seconds', seconds };
}

/** A system generation as the profile lists it. */
export interface GenerationRef {
  readonly number: number;
  /** The `system-N-link` target, `/nix/store/<hash>-nixos-system-…`. */
  readonly storePath: string;
}

export interface EntryGeneration {
  readonly item: BootMenuItem;
  /** The generation whose system is this entry's `init=` system; undefined when none is. */
  readonly generation?: number;
}

/**
 * Maps each menu entry to its generation by the store path in `APPEND init=…`. The store path,
 * not the label, is the truth: `nixos-default` has no number in its label, and labels can lag
 * behind profile links after a partial rollback. A specialisation's entry carries its own store
 * path and so matches no generation's system path.
 */
export function mapEntriesToGenerations(menu: ExtlinuxMenu, generations: readonly GenerationRef[]): readonly EntryGeneration[] {
  const byPath = new Map<string, number>();
  for (const generation of generations) byPath.set(stripSlash(generation.storePath), generation.number);
  return bootMenuItems(menu).map((item) => {
    const systemPath = item.entry.init?.systemPath;
    const generation = systemPath === undefined ? undefined : byPath.get(stripSlash(systemPath));
    return { item, ...(generation !== undefined ? { generation } : {}) };
  });
}

function stripSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/** What to look for in a menu: a generation (and specialisation), or an exact label. */
export type EntryQuery =
  | { readonly generation: number; readonly specialisation?: string }
  | { readonly label: string };

/** The menu item for a generation by its label ("Configuration 41"), never by position. */
export function findBootMenuItem(menu: ExtlinuxMenu, query: EntryQuery): BootMenuItem | undefined {
  return bootMenuItems(menu).find(({ entry }) => {
    if ('label' in query) return entry.label === query.label;
    return (
      entry.tag.kind === 'generation' &&
      entry.tag.generation === query.generation &&
      entry.tag.specialisation === query.specialisation
    );
  });
}

/**
 * Makes `label` the DEFAULT, for the card-rescue feature (boot an older generation without
 * touching the profile). Adds a DEFAULT line at the top of the header when there is none.
 */
export function setDefaultEntry(menu: ExtlinuxMenu, label: string): ExtlinuxMenu {
  if (!menu.entries.some((entry) => entry.label === label)) {
    const known = menu.entries.map((entry) => entry.label).join(', ');
    throw new DevicesError('NOT_FOUND', `extlinux.conf has no entry labelled "${label}" (it has: ${known || 'none'}).`);
  }
  const hasDefaultLine = [...menu.headerLines, ...menu.entries.flatMap((entry) => entry.lines)].some(
    (line) => line.kind === 'field' && line.field === 'default',
  );
  const headerLines: readonly ExtlinuxLine[] = hasDefaultLine
    ? menu.headerLines
    : insertDefaultLine(menu.headerLines);
  return { ...menu, header: { ...menu.header, defaultLabel: label }, headerLines };
}

function insertDefaultLine(lines: readonly ExtlinuxLine[]): readonly ExtlinuxLine[] {
  const line: ExtlinuxLine = { kind: 'field', field: 'default', prefix: 'DEFAULT ', suffix: '' };
  // After the leading comment block, before the first directive, like NixOS's header.
  const firstDirective = lines.findIndex((l) => l.kind === 'field' || l.kind === 'unknown');
  const at = firstDirective === -1 ? lines.length : firstDirective;
  return [...lines.slice(0, at), line, ...lines.slice(at)];
}

/**
 * The extlinux.conf model: what u-boot reads (header, entries in file order) plus the layout of
 * every line, so that printing an unchanged model gives back the file byte for byte.
 *
 * Values live in the header and entry fields; a `field` line holds only the text around its
 * value (indent, keyword as written, trailing spaces). Lines the model does not know are kept
 * verbatim as `unknown`.
 */
import type { AppendInit, NixosEntryTag } from './nixos-labels';

export type HeaderField = 'default' | 'timeout' | 'menuTitle';
export type EntryField = 'label' | 'menuLabel' | 'linux' | 'initrd' | 'append' | 'fdtdir' | 'fdt';

export type ExtlinuxLine =
  | { readonly kind: 'blank'; readonly text: string }
  | { readonly kind: 'comment'; readonly text: string }
  /** `prefix + value + suffix` is the line; the value comes from the header or the entry. */
  | { readonly kind: 'field'; readonly field: HeaderField | EntryField; readonly prefix: string; readonly suffix: string }
  | { readonly kind: 'unknown'; readonly text: string };

export interface ExtlinuxHeader {
  /** `DEFAULT <label>`: the entry u-boot boots when the menu times out. */
  readonly defaultLabel?: string;
  /** `TIMEOUT` as written. */
  readonly timeoutText?: string;
  /** TIMEOUT in tenths of a second (NixOS writes seconds × 10); u-boot waits ceil(t/10) s. */
  readonly timeoutTenths?: number;
  /** `MENU TITLE`; NixOS writes a row of dashes. */
  readonly menuTitle?: string;
  /**
   * u-boot shows the menu and asks `Enter choice:` only when the file has a top-level MENU line
   * (boot/pxe_utils.c sets `cfg->prompt` on T_MENU). Newer NixOS drops MENU TITLE when
   * `boot.loader.timeout = 0`, and then u-boot boots DEFAULT without a menu.
   */
  readonly showsMenu: boolean;
}

export interface ExtlinuxEntry {
  readonly label: string;
  readonly menuLabel?: string;
  /** LINUX (or KERNEL) path, relative to extlinux.conf's folder unless absolute. */
  readonly linux?: string;
  readonly initrd?: string;
  readonly append?: string;
  readonly fdtdir?: string;
  readonly fdt?: string;
  /** What the LABEL name says: NixOS's default entry, a generation (and specialisation), or other. */
  readonly tag: NixosEntryTag;
  /** From the MENU LABEL, as NixOS writes it. */
  readonly dateText?: string;
  readonly versionText?: string;
  /** `init=` from APPEND, with the system closure it belongs to. */
  readonly init?: AppendInit;
  /** APPEND without `init=`. */
  readonly kernelParams: readonly string[];
  /** The LABEL line and every line up to the next LABEL. */
  readonly lines: readonly ExtlinuxLine[];
}

export interface ExtlinuxProblem {
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

export interface ExtlinuxMenu {
  readonly header: ExtlinuxHeader;
  /** Lines before the first LABEL. */
  readonly headerLines: readonly ExtlinuxLine[];
  readonly entries: readonly ExtlinuxEntry[];
  readonly endsWithNewline: boolean;
  /** What the parser could not make sense of; the file is still modelled as far as possible. */
  readonly problems: readonly ExtlinuxProblem[];
}

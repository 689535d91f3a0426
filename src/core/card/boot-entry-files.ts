/**
 * The pure half of rescuing a card from the desktop's reader: which entry the user means, which
 * files on the card an entry boots from, and whether extlinux.conf's bytes are a file we can
 * edit. Paths follow u-boot's sysboot (boot/pxe_utils.c get_relfile, `allow_abs_path` set by
 * cmd/sysboot.c): relative to extlinux.conf's folder, absolute ones from the partition's root.
 */
import { posix } from 'node:path';
import { findBootMenuItem, parseExtlinux, type BootMenuItem, type ExtlinuxEntry, type ExtlinuxMenu } from '../boot';
import { DevicesError } from '../errors';
import { isDebugfsSafePath } from './debugfs-output';

export const EXTLINUX_CONF_PATH = '/boot/extlinux/extlinux.conf';

/** A path in an entry as a path on the card's file system. */
export function cardPathOf(entryPath: string, confPath: string = EXTLINUX_CONF_PATH): string {
  const path = entryPath.startsWith('/') ? entryPath : posix.join(posix.dirname(confPath), entryPath);
  return posix.normalize(path);
}

export type BootFileRole = 'kernel' | 'initrd' | 'fdt' | 'fdtdir';

export interface BootFile {
  readonly role: BootFileRole;
  /** As written in extlinux.conf. */
  readonly written: string;
  /** On the card. */
  readonly path: string;
  /** u-boot skips the entry when it cannot load it (kernel, initrd, fdt); a missing FDTDIR only loses the device tree file. */
  readonly required: boolean;
}

/** The files an entry boots from, as u-boot looks them up. */
export function entryBootFiles(entry: ExtlinuxEntry, confPath: string = EXTLINUX_CONF_PATH): BootFile[] {
  const files: BootFile[] = [];
  const add = (role: BootFileRole, written: string | undefined, required: boolean): void => {
    if (written !== undefined && written !== '') files.push({ role, written, path: cardPathOf(written, confPath), required });
  };
  add('kernel', entry.linux, true);
  add('initrd', entry.initrd, true);
  add('fdt', entry.fdt, true);
  add('fdtdir', entry.fdtdir, false);
  return files;
}

/** What a stat of a boot file found: undefined when missing. */
export interface BootFileState {
  readonly type: string;
  readonly size: number;
}

/** Problems that keep u-boot from booting the entry, and warnings that do not. */
export function judgeBootFiles(entry: ExtlinuxEntry, files: readonly BootFile[], states: ReadonlyMap<string, BootFileState | undefined>): { readonly problems: string[]; readonly warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!files.some((f) => f.role === 'kernel')) problems.push(`${entry.label} has no LINUX line: u-boot skips it.`);
  for (const file of files) {
    const into = file.required ? problems : warnings;
    if (!isDebugfsSafePath(file.path)) {
      into.push(`${file.role} path "${file.written}" has spaces or quotes; it cannot be checked.`);
      continue;
    }
    const state = states.get(file.path);
    const wantDir = file.role === 'fdtdir';
    if (state === undefined) into.push(`${file.role} ${file.path} is missing on the card.`);
    else if (wantDir && state.type !== 'directory') into.push(`${file.role} ${file.path} is not a folder.`);
    else if (!wantDir && state.type !== 'regular') into.push(`${file.role} ${file.path} is a ${state.type}, not a file.`);
    else if (!wantDir && state.size === 0) into.push(`${file.role} ${file.path} is empty.`);
  }
  return { problems, warnings };
}

/**
 * The entry meant by `choice`: a generation number ("41", its label is nixos-41 or
 * nixos-41-default, wherever it is in the file), `default` (nixos-default), or an exact label.
 */
export function chooseCardEntry(menu: ExtlinuxMenu, choice: string): BootMenuItem {
  const trimmed = choice.trim();
  const item = /^\d+$/.test(trimmed)
    ? findBootMenuItem(menu, { generation: Number(trimmed) })
    : findBootMenuItem(menu, { label: trimmed === 'default' ? 'nixos-default' : trimmed });
  if (item !== undefined) return item;
  const generations = menu.entries.flatMap((e) => (e.tag.kind === 'generation' && e.tag.specialisation === undefined ? [e.tag.generation] : []));
  const labels = menu.entries.map((e) => e.label);
  throw new DevicesError(
    'NOT_FOUND',
    /^\d+$/.test(trimmed)
      ? `The card's boot menu has no entry for generation ${trimmed}; it has generations ${generations.sort((a, b) => a - b).join(', ') || 'none'}.`
      : `The card's boot menu has no entry labelled "${trimmed}"; it has ${labels.join(', ') || 'none'}.`,
  );
}

/**
 * extlinux.conf's bytes as text, or a PARSE_FAILED naming what is wrong: not text (NUL bytes),
 * not UTF-8 (it would not print back byte for byte), or no LABEL at all (nothing u-boot can boot).
 */
export function decodeExtlinux(bytes: Buffer, where: string): { readonly text: string; readonly menu: ExtlinuxMenu } {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new DevicesError('PARSE_FAILED', `${where} is not a text file (a NUL byte at offset ${String(nul)}): it looks corrupt. Rebuild the boot menu on the board (nixos-rebuild boot) or reflash the card.`);
  const text = bytes.toString('utf-8');
  if (!Buffer.from(text, 'utf-8').equals(bytes)) throw new DevicesError('PARSE_FAILED', `${where} is not valid UTF-8: it looks corrupt, and it is left as it is.`);
  const menu = parseExtlinux(text);
  if (menu.entries.length === 0) throw new DevicesError('PARSE_FAILED', `${where} has no LABEL entries: u-boot has nothing to boot from it. It looks corrupt; reflash the card or rebuild the boot menu on the board.`);
  return { text, menu };
}

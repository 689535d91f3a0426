/**
 * A tolerant extlinux.conf parser: it never throws, reports what it could not read as problems,
 * and keeps every line's layout so that `printExtlinux` reproduces the file.
 *
 * Keyword semantics follow u-boot's reader (boot/pxe_utils.c, u-boot 2023.01, which Debian's
 * qemu_arm build runs): keywords are case-insensitive; LABEL starts an entry; DEFAULT, TIMEOUT
 * and MENU TITLE are top-level wherever they appear; within an entry LINUX/KERNEL, APPEND and
 * MENU LABEL keep the last value while INITRD, FDT and FDTDIR keep the first.
 */
import type { EntryField, ExtlinuxEntry, ExtlinuxHeader, ExtlinuxLine, ExtlinuxMenu, ExtlinuxProblem, HeaderField } from './extlinux-model';
import { parseAppend, parseNixosLabel, parseNixosMenuLabel } from './nixos-labels';

type FieldLine = Extract<ExtlinuxLine, { kind: 'field' }>;

interface Directive {
  readonly field: HeaderField | EntryField | undefined;
  readonly prefix: string;
  readonly value: string;
  readonly suffix: string;
  /** For a top-level MENU line that is not MENU TITLE (still makes u-boot show the menu). */
  readonly isMenu: boolean;
}

const SIMPLE_KEYWORDS: Readonly<Record<string, HeaderField | EntryField>> = {
  DEFAULT: 'default',
  TIMEOUT: 'timeout',
  LABEL: 'label',
  LINUX: 'linux',
  KERNEL: 'linux',
  INITRD: 'initrd',
  APPEND: 'append',
  FDTDIR: 'fdtdir',
  DEVICETREEDIR: 'fdtdir',
  FDT: 'fdt',
  DEVICETREE: 'fdt',
};

const MENU_KEYWORDS: Readonly<Record<string, HeaderField | EntryField>> = { TITLE: 'menuTitle', LABEL: 'menuLabel' };

/** Fields where u-boot keeps the first occurrence in an entry (it ignores later ones). */
const FIRST_WINS = new Set<EntryField>(['initrd', 'fdt', 'fdtdir']);

function splitValue(rest: string): { lead: string; value: string; suffix: string } {
  const match = /^(\s*)(.*?)(\s*)$/s.exec(rest);
  return { lead: match?.[1] ?? '', value: match?.[2] ?? '', suffix: match?.[3] ?? '' };
}

function readDirective(line: string): Directive | undefined {
  const menu = /^(\s*menu)(\s+)(\S+)(.*)$/is.exec(line);
  if (menu !== null) {
    const [, head = '', gap = '', word = '', rest = ''] = menu;
    const field = MENU_KEYWORDS[word.toUpperCase()];
    const { lead, value, suffix } = splitValue(rest);
    return { field, prefix: head + gap + word + lead, value, suffix, isMenu: true };
  }
  const plain = /^(\s*)(\S+)(.*)$/s.exec(line);
  if (plain === null) return undefined;
  const [, indent = '', word = '', rest = ''] = plain;
  const field = SIMPLE_KEYWORDS[word.toUpperCase()];
  const { lead, value, suffix } = splitValue(rest);
  return { field, prefix: indent + word + lead, value, suffix, isMenu: word.toUpperCase() === 'MENU' };
}

function isHeaderField(field: HeaderField | EntryField): field is HeaderField {
  return field === 'default' || field === 'timeout' || field === 'menuTitle';
}

type EntryValues = { label: string } & Partial<Record<Exclude<EntryField, 'label'>, string>>;

/** Builds an entry from its values, deriving what NixOS's labels and APPEND say. */
export function makeEntry(values: EntryValues, lines: readonly ExtlinuxLine[]): ExtlinuxEntry {
  const nixosMenu = values.menuLabel === undefined ? undefined : parseNixosMenuLabel(values.menuLabel);
  const append = values.append === undefined ? { kernelParams: [] } : parseAppend(values.append);
  return {
    ...values,
    tag: parseNixosLabel(values.label),
    ...(nixosMenu?.dateText !== undefined ? { dateText: nixosMenu.dateText } : {}),
    ...(nixosMenu?.versionText !== undefined ? { versionText: nixosMenu.versionText } : {}),
    ...(append.init !== undefined ? { init: append.init } : {}),
    kernelParams: append.kernelParams,
    lines,
  };
}

interface EntryDraft {
  values: EntryValues;
  lines: ExtlinuxLine[];
  /** Index in `lines` of the line currently holding each field's value. */
  fieldAt: Map<EntryField, number>;
}

export function parseExtlinux(text: string): ExtlinuxMenu {
  const rawLines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline || text === '') rawLines.pop();

  const problems: ExtlinuxProblem[] = [];
  const headerLines: ExtlinuxLine[] = [];
  const header: { defaultLabel?: string; timeoutText?: string; menuTitle?: string } = {};
  let showsMenu = false;
  // Where each header field's authoritative line is, so a later duplicate can demote it.
  const headerFieldAt = new Map<HeaderField, { lines: ExtlinuxLine[]; index: number }>();
  const drafts: EntryDraft[] = [];

  const demote = (lines: ExtlinuxLine[], index: number, value: string): void => {
    const old = lines[index];
    if (old?.kind === 'field') lines[index] = { kind: 'unknown', text: old.prefix + value + old.suffix };
  };

  rawLines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const current = drafts.at(-1);
    const target = current?.lines ?? headerLines;
    if (/^\s*$/.test(raw)) return void target.push({ kind: 'blank', text: raw });
    if (/^\s*#/.test(raw)) return void target.push({ kind: 'comment', text: raw });
    const directive = readDirective(raw);
    if (directive === undefined) return void target.push({ kind: 'unknown', text: raw });
    if (directive.isMenu && current === undefined) showsMenu = true;
    const { field } = directive;
    if (field === undefined) return void target.push({ kind: 'unknown', text: raw });
    const line: FieldLine = { kind: 'field', field, prefix: directive.prefix, suffix: directive.suffix };

    if (field === 'label') {
      if (directive.value === '') problems.push({ line: lineNumber, message: 'LABEL without a name.' });
      drafts.push({ values: { label: directive.value }, lines: [line], fieldAt: new Map([['label', 0]]) });
      return;
    }
    if (isHeaderField(field)) {
      if (field === 'menuTitle') showsMenu = true;
      const previous = headerFieldAt.get(field);
      if (previous !== undefined) {
        problems.push({ line: lineNumber, message: `${field} is set twice; u-boot uses this later one.` });
        demote(previous.lines, previous.index, headerValue(header, field));
      }
      setHeaderValue(header, field, directive.value);
      target.push(line);
      headerFieldAt.set(field, { lines: target, index: target.length - 1 });
      return;
    }
    if (current === undefined) {
      problems.push({ line: lineNumber, message: `${field} outside any LABEL is ignored by u-boot.` });
      return void target.push({ kind: 'unknown', text: raw });
    }
    const existing = current.fieldAt.get(field);
    if (existing !== undefined) {
      if (FIRST_WINS.has(field)) {
        problems.push({ line: lineNumber, message: `${field} is set twice in ${current.values.label}; u-boot uses the first.` });
        return void current.lines.push({ kind: 'unknown', text: raw });
      }
      problems.push({ line: lineNumber, message: `${field} is set twice in ${current.values.label}; u-boot uses this later one.` });
      demote(current.lines, existing, current.values[field] ?? '');
    }
    current.values[field] = directive.value;
    current.lines.push(line);
    current.fieldAt.set(field, current.lines.length - 1);
  });

  const timeoutTenths = header.timeoutText === undefined ? undefined : parseTimeout(header.timeoutText);
  if (header.timeoutText !== undefined && timeoutTenths === undefined) {
    problems.push({ line: lineOf(rawLines, /^\s*timeout\b/i), message: `TIMEOUT "${header.timeoutText}" is not a number.` });
  }
  const fullHeader: ExtlinuxHeader = { ...header, ...(timeoutTenths !== undefined ? { timeoutTenths } : {}), showsMenu };
  return {
    header: fullHeader,
    headerLines,
    entries: drafts.map((draft) => makeEntry(draft.values, draft.lines)),
    endsWithNewline,
    problems,
  };
}

function headerValue(header: { defaultLabel?: string; timeoutText?: string; menuTitle?: string }, field: HeaderField): string {
  switch (field) {
    case 'default':
      return header.defaultLabel ?? '';
    case 'timeout':
      return header.timeoutText ?? '';
    case 'menuTitle':
      return header.menuTitle ?? '';
  }
}

function setHeaderValue(header: { defaultLabel?: string; timeoutText?: string; menuTitle?: string }, field: HeaderField, value: string): void {
  switch (field) {
    case 'default':
      header.defaultLabel = value;
      return;
    case 'timeout':
      header.timeoutText = value;
      return;
    case 'menuTitle':
      header.menuTitle = value;
      return;
  }
}

function parseTimeout(text: string): number | undefined {
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

function lineOf(lines: readonly string[], pattern: RegExp): number {
  let found = 0;
  lines.forEach((line, index) => {
    if (pattern.test(line)) found = index + 1;
  });
  return found;
}

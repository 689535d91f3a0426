/**
 * Prints an ExtlinuxMenu. An unchanged parse prints back byte for byte; a changed value is
 * printed in its line's original layout.
 */
import type { EntryField, ExtlinuxEntry, ExtlinuxHeader, ExtlinuxLine, ExtlinuxMenu, HeaderField } from './extlinux-model';

function headerValue(header: ExtlinuxHeader, field: HeaderField): string {
  switch (field) {
    case 'default':
      return header.defaultLabel ?? '';
    case 'timeout':
      return header.timeoutText ?? '';
    case 'menuTitle':
      return header.menuTitle ?? '';
  }
}

function entryValue(entry: ExtlinuxEntry, field: EntryField): string {
  return entry[field] ?? '';
}

function printLine(line: ExtlinuxLine, header: ExtlinuxHeader, entry: ExtlinuxEntry | undefined): string {
  switch (line.kind) {
    case 'blank':
    case 'comment':
    case 'unknown':
      return line.text;
    case 'field': {
      const { field } = line;
      const value =
        field === 'default' || field === 'timeout' || field === 'menuTitle'
          ? headerValue(header, field)
          : entry === undefined
            ? ''
            : entryValue(entry, field);
      return line.prefix + value + line.suffix;
    }
  }
}

export function printExtlinux(menu: ExtlinuxMenu): string {
  const out: string[] = menu.headerLines.map((line) => printLine(line, menu.header, undefined));
  for (const entry of menu.entries) {
    for (const line of entry.lines) out.push(printLine(line, menu.header, entry));
  }
  const text = out.join('\n');
  return menu.endsWithNewline ? `${text}\n` : text;
}

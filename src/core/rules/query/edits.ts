/**
 * Building fixes as text edits that keep the file's layout: insert a binding on its own line
 * with the indentation of its neighbours, add an element to a list, remove a member.
 */
import { isNode, type SyntaxNode } from '../../lang';
import type { TextEdit } from '../rule';

/** The whitespace that starts the line containing `offset`. */
export function lineIndent(text: string, offset: number): string {
  const lineStart = lineStartOf(text, offset);
  const match = /^[ \t]*/.exec(text.slice(lineStart, offset));
  return match?.[0] ?? '';
}

function firstOnLine(text: string, offset: number): boolean {
  const lineStart = lineStartOf(text, offset);
  return /^[ \t]*$/.test(text.slice(lineStart, offset));
}

/** Inserts `binding` (e.g. `a.b = 1;`) just before `member`, on a line of its own when `member` has one. */
export function insertBefore(text: string, member: SyntaxNode, binding: string): TextEdit {
  if (firstOnLine(text, member.start)) {
    const indent = lineIndent(text, member.start);
    return { start: member.start, end: member.start, newText: `${binding}\n${indent}` };
  }
  return { start: member.start, end: member.start, newText: `${binding} ` };
}

/** Inserts `binding` right after `member`, on its own line when `member` ends one. */
export function insertAfter(text: string, member: SyntaxNode, binding: string): TextEdit {
  const indent = lineIndent(text, member.start);
  const restOfLine = text.slice(member.end, nextNewline(text, member.end));
  if (firstOnLine(text, member.start) && /^[ \t]*(#.*)?$/.test(restOfLine)) {
    const at = member.end + restOfLine.length;
    return { start: at, end: at, newText: `\n${indent}${binding}` };
  }
  return { start: member.end, end: member.end, newText: ` ${binding}` };
}

/** Inserts a binding as the first member of a set (AttrSet, or the `let` of a LetIn). */
export function insertIntoSet(text: string, set: SyntaxNode, binding: string): TextEdit | undefined {
  const first = set.children.find((c): c is SyntaxNode => isNode(c) && (c.kind === 'Binding' || c.kind === 'Inherit'));
  if (first !== undefined) return insertBefore(text, first, binding);
  const open = set.children.find((c) => !isNode(c) && c.kind === '{');
  if (open === undefined) return undefined;
  return { start: open.end, end: open.end, newText: ` ${binding} ` };
}

/** Adds `element` at the end of a literal list. */
export function appendToList(text: string, list: SyntaxNode, element: string): TextEdit | undefined {
  const close = list.children.find((c) => !isNode(c) && c.kind === ']');
  if (close === undefined) return undefined;
  const elements = list.children.filter(isNode);
  const last = elements[elements.length - 1];
  if (firstOnLine(text, close.start) && last !== undefined && firstOnLine(text, last.start)) {
    const indent = lineIndent(text, last.start);
    const lineStart = lineStartOf(text, close.start);
    return { start: lineStart, end: lineStart, newText: `${indent}${element}\n` };
  }
  const before = text[close.start - 1];
  return before === ' ' || before === '\t' || before === '\n'
    ? { start: close.start, end: close.start, newText: `${element} ` }
    : { start: close.start, end: close.start, newText: ` ${element} ` };
}

/** Removes a member: its whole lines when it has them to itself, else the node and the spaces after it. */
export function removeMember(text: string, node: SyntaxNode): TextEdit {
  const lineStart = lineStartOf(text, node.start);
  const lineEnd = nextNewline(text, node.end);
  if (/^[ \t]*$/.test(text.slice(lineStart, node.start)) && /^[ \t]*$/.test(text.slice(node.end, lineEnd))) {
    return { start: lineStart, end: Math.min(text.length, lineEnd + 1), newText: '' };
  }
  let end = node.end;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return { start: node.start, end, newText: '' };
}

/** Lines longer than this are not worth laying out: edits there go inline. */
const MAX_LINE_SCAN = 4096;

/** Where the line containing `offset` starts, looking back at most MAX_LINE_SCAN characters. */
function lineStartOf(text: string, offset: number): number {
  const limit = Math.max(0, offset - MAX_LINE_SCAN);
  for (let i = offset - 1; i >= limit; i--) if (text.charCodeAt(i) === 10) return i + 1;
  return limit;
}

/** Where the line containing `from` ends; the scan is bounded, so a huge one-line file stays fast. */
function nextNewline(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_LINE_SCAN);
  for (let i = from; i < limit; i++) if (text.charCodeAt(i) === 10) return i;
  return limit;
}

/** Applies edits (non-overlapping) to a text: tests use it to check that a fix works. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

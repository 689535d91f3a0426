/**
 * Bindings and everything built on them: attribute sets (rec, legacy `let { }`), `let … in`,
 * attribute paths, inherit, and lambda formals. Recovery lives here too: a broken binding is
 * skipped up to its `;` (or the set's end) so the bindings after it still parse.
 */
import { parseExpr, pushExpr } from './parse-expr';
import { parseInterpolation, parseString } from './parse-strings';
import type { ParserState } from './parser-state';
import type { NodeKind, SyntaxElement, SyntaxNode } from './syntax';
import type { TokenKind } from './tokens';

/**
 * At '{': does a lambda head follow? Nix's GLR parser tries both readings and fails where the
 * last one fails; choosing the reading that survives longest stops us at the same token.
 */
export function startsFormals(p: ParserState): boolean {
  const next = p.peek(1);
  if (next === '}') {
    const after = p.peek(2);
    return after === ':' || after === '@';
  }
  if (next === 'ID') {
    const after = p.peek(2);
    return after === ',' || after === '?' || after === '}';
  }
  return next === '...';
}

/** `{ formals }: body`, `{ formals } @ name: body`; with `head` = [ID, '@'] for `name @ { formals }: body`. */
export function parseFormalsLambda(p: ParserState, head: SyntaxElement[] = []): SyntaxNode {
  const ch = head;
  const nameFirst = head.length > 0;
  ch.push(parseFormals(p));
  if (!nameFirst && p.peek() === '@') {
    p.bump(ch);
    if (!p.expect('ID', ch, 'a name for the argument set')) return p.node('Lambda', ch);
  }
  if (p.expect(':', ch, nameFirst || ch.length > 1 ? "':'" : "':' or '@'")) pushExpr(p, ch, parseExpr(p));
  return p.node('Lambda', ch);
}

function parseFormals(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch); // '{'
  for (;;) {
    const kind = p.peek();
    if (kind === '}') {
      p.bump(ch);
      break;
    }
    if (kind === '...') {
      p.bump(ch);
      if (!p.expect('}', ch)) skipFormals(p, ch);
      break;
    }
    if (kind !== 'ID') {
      p.unexpected("an argument name, '...' or '}'");
      skipFormals(p, ch);
      break;
    }
    const formal: SyntaxElement[] = [];
    p.bump(formal);
    if (p.peek() === '?') {
      p.bump(formal);
      pushExpr(p, formal, parseExpr(p));
    }
    ch.push(p.node('Formal', formal));
    if (p.peek() === ',') p.bump(ch);
    else if (p.peek() !== '}') {
      p.unexpected("',' or '}'");
      skipFormals(p, ch);
      break;
    }
  }
  return p.node('Formals', ch);
}

/** Skips to the formals' '}' (taken) or a ':' (left for the lambda). */
function skipFormals(p: ParserState, into: SyntaxElement[]): void {
  const skipped: SyntaxElement[] = [];
  let depth = 0;
  for (;;) {
    const kind = p.peek();
    if (kind === 'EOF' || (depth === 0 && kind === ':')) break;
    if (depth === 0 && kind === '}') {
      if (skipped.length > 0) into.push(p.node('Error', skipped));
      p.bump(into);
      return;
    }
    depth += nesting(kind);
    p.bump(skipped);
  }
  if (skipped.length > 0) into.push(p.node('Error', skipped));
}

function nesting(kind: TokenKind): number {
  switch (kind) {
    case '{':
    case '(':
    case '[':
    case 'DOLLAR_CURLY':
      return 1;
    case '}':
    case ')':
    case ']':
      return -1;
    default:
      return 0;
  }
}

export function parseLetIn(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch); // 'let'
  parseBinds(p, ch, 'in');
  if (p.expect('in', ch, "'in' or a binding")) pushExpr(p, ch, parseExpr(p));
  return p.node('LetIn', ch);
}

/** `{ binds }` with `ch` holding a leading `rec` or `let` if any. */
export function parseAttrSet(p: ParserState, ch: SyntaxElement[], kind: NodeKind): SyntaxNode {
  p.bump(ch); // '{'
  parseBinds(p, ch, '}');
  p.expect('}', ch, "'}' or a binding");
  return p.node(kind, ch);
}

function startsAttr(kind: TokenKind): boolean {
  return kind === 'ID' || kind === 'or' || kind === '"' || kind === 'DOLLAR_CURLY';
}

function parseBinds(p: ParserState, ch: SyntaxElement[], end: '}' | 'in'): void {
  for (;;) {
    const kind = p.peek();
    if (kind === end || kind === 'EOF') return;
    if (kind === 'inherit') ch.push(parseInherit(p, end));
    else if (startsAttr(kind)) ch.push(parseBinding(p, end));
    else if (end === 'in' && kind === '}') return; // the set around this let ends: 'in' is missing
    else {
      p.unexpected(end === 'in' ? "'in' or a binding" : "'}' or a binding");
      // Skip stray tokens up to whatever can start a binding, so that the next one still counts.
      const skipped: SyntaxElement[] = [];
      p.bump(skipped);
      for (let k = p.peek(); k !== 'EOF' && k !== end && k !== '}' && k !== 'inherit' && !startsAttr(k); k = p.peek()) {
        p.bump(skipped);
        if (k === ';') break;
      }
      ch.push(p.node('Error', skipped));
    }
  }
}

function parseBinding(p: ParserState, end: '}' | 'in'): SyntaxNode {
  const ch: SyntaxElement[] = [parseAttrPath(p)];
  let ok = p.expect('=', ch, "'=' or '.'");
  if (ok) {
    const value = parseExpr(p);
    pushExpr(p, ch, value);
    ok = p.peek() === ';';
    if (ok) p.bump(ch);
    else p.unexpected("';'", missingSemicolonHint(p, value));
  }
  if (!ok) recover(p, ch, end);
  return p.node('Binding', ch);
}

/**
 * `a = f\n  b = 2;`: Nix stops at the second '=', after reading `b` as an argument of `f`. Say
 * what most likely happened: the ';' after the value on the line before is missing.
 */
function missingSemicolonHint(p: ParserState, value: SyntaxNode | undefined): string | undefined {
  const next = p.peek();
  if (value?.kind !== 'Apply' || (next !== '=' && next !== '.')) return undefined;
  const arg = value.children[value.children.length - 1];
  if (arg === undefined) return undefined;
  const before = p.text.lastIndexOf('\n', arg.start);
  if (before < value.start || p.text.slice(before, arg.start).trim() !== '') return undefined;
  const line = p.text.slice(0, before).split('\n').length;
  return `Is a ';' missing at the end of line ${line}?`;
}

function parseInherit(p: ParserState, end: '}' | 'in'): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch); // 'inherit'
  if (p.peek() === '(') {
    const source: SyntaxElement[] = [];
    p.bump(source);
    pushExpr(p, source, parseExpr(p));
    p.expect(')', source);
    ch.push(p.node('Paren', source));
  }
  for (;;) {
    const kind = p.peek();
    if (kind === 'ID' || kind === 'or') ch.push(parseName(p));
    else if (kind === '"') ch.push(parseString(p));
    else if (kind === 'DOLLAR_CURLY') ch.push(parseInterpolation(p));
    else break;
  }
  if (!p.expect(';', ch, "an attribute name or ';'")) recover(p, ch, end);
  return p.node('Inherit', ch);
}

function recover(p: ParserState, into: SyntaxElement[], end: '}' | 'in'): void {
  const skipped: SyntaxElement[] = [];
  skipBinding(p, skipped, end);
  if (skipped.length > 0) into.push(p.node('Error', skipped));
}

/**
 * Skips the rest of a broken binding: through its ';', or up to the end of the bindings, or up
 * to a line that starts like a new binding (`name =`, `name.x =`, `inherit`).
 */
function skipBinding(p: ParserState, into: SyntaxElement[], end: '}' | 'in'): void {
  let depth = 0;
  for (;;) {
    const kind = p.peek();
    if (kind === 'EOF') return;
    if (depth === 0) {
      if (kind === end || kind === '}' || kind === 'in') return;
      if (kind === ';') {
        p.bump(into);
        return;
      }
      if (into.length > 0 && p.atLineStart() && startsBindingLine(p, kind)) return;
    }
    depth = Math.max(0, depth + nesting(kind));
    p.bump(into);
  }
}

function startsBindingLine(p: ParserState, kind: TokenKind): boolean {
  if (kind === 'inherit') return true;
  if (kind !== 'ID' && kind !== 'or') return false;
  const next = p.peek(1);
  return next === '=' || next === '.';
}

function parseName(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch);
  return p.node('Name', ch);
}

/** attrpath: `a.b."c".${d}` (also the right side of `?` and of a select). */
export function parseAttrPath(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  for (;;) {
    const kind = p.peek();
    if (kind === 'ID' || kind === 'or') ch.push(parseName(p));
    else if (kind === '"') ch.push(parseString(p));
    else if (kind === 'DOLLAR_CURLY') ch.push(parseInterpolation(p));
    else {
      p.unexpected('an attribute name');
      break;
    }
    if (p.peek() !== '.') break;
    p.bump(ch);
  }
  return p.node('AttrPath', ch);
}

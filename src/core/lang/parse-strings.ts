/**
 * Strings, indented strings, interpolations and paths. The lexer has already cut them into
 * pieces (STR / IND_STR / DOLLAR_CURLY / PATH_END); this checks the order Nix's grammar allows.
 */
import { parseExpr, pushExpr } from './parse-expr';
import type { ParserState } from './parser-state';
import type { SyntaxElement, SyntaxNode } from './syntax';

/** `${ expr }` */
export function parseInterpolation(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch);
  pushExpr(p, ch, parseExpr(p));
  p.expect('}', ch);
  return p.node('Interpolation', ch);
}

/**
 * `"…"`. Nix's string_parts allows at most one literal piece before the first interpolation
 * (the lexer only splits a literal at the end of the text).
 */
export function parseString(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch);
  let pieces = 0;
  let interpolated = false;
  for (;;) {
    const kind = p.peek();
    if (kind === '"') {
      p.bump(ch);
      break;
    }
    if (kind === 'STR') {
      if (!interpolated && pieces > 0) p.unexpected("'\"' or '${'");
      pieces++;
      p.bump(ch);
    } else if (kind === 'DOLLAR_CURLY') {
      interpolated = true;
      ch.push(parseInterpolation(p));
    } else {
      p.unexpected("'\"'");
      break;
    }
  }
  return p.node('String', ch);
}

/** `''…''` */
export function parseIndString(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch);
  for (;;) {
    const kind = p.peek();
    if (kind === 'IND_STRING_CLOSE') {
      p.bump(ch);
      break;
    }
    if (kind === 'IND_STR') p.bump(ch);
    else if (kind === 'DOLLAR_CURLY') ch.push(parseInterpolation(p));
    else {
      p.unexpected("''");
      break;
    }
  }
  return p.node('IndString', ch);
}

/**
 * A path: a plain one is a Literal [PATH, PATH_END]; one with interpolations is a Path node.
 * Nix's grammar wants an interpolation before any second literal piece (`./a//b` is an error).
 */
export function parsePath(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch);
  if (p.peek() === 'PATH_END') {
    p.bump(ch);
    return p.node('Literal', ch);
  }
  let pieces = 0;
  let interpolated = false;
  for (;;) {
    const kind = p.peek();
    if (kind === 'PATH_END') {
      if (!interpolated) p.unexpected("'${'");
      p.bump(ch);
      break;
    }
    if (kind === 'STR') {
      if (!interpolated && pieces > 0) p.unexpected("'${'");
      pieces++;
      p.bump(ch);
    } else if (kind === 'DOLLAR_CURLY') {
      interpolated = true;
      ch.push(parseInterpolation(p));
    } else {
      p.unexpected('the rest of the path');
      break;
    }
  }
  return p.node('Path', ch);
}

/**
 * The rules of Nix's lexer that compete for words (lexer.l): keywords, ID, INT, FLOAT, PATH (and
 * the start of an interpolated path), URI, the operators `...` `->` `//` `++`, block comments,
 * and single characters. Flex takes the longest match and, on a tie, the rule listed first.
 */
import {
  isDigit,
  isIdStart,
  isPathChar,
  matchBlockComment,
  matchFloat,
  matchId,
  matchInt,
  matchPath,
  matchPathSegDollar,
  matchUri,
} from './lexer-rules';
import type { TokenKind } from './tokens';

/** The keyword spelled by the `length` characters at `at`, if any; no substring is made (and no
 * closure: this runs for every identifier, and a closure per call was most of the lexer's garbage). */
function keywordAt(text: string, at: number, length: number): TokenKind | undefined {
  switch (length) {
    case 2:
      return text.startsWith('if', at) ? 'if' : text.startsWith('in', at) ? 'in' : text.startsWith('or', at) ? 'or' : undefined;
    case 3:
      return text.startsWith('let', at) ? 'let' : text.startsWith('rec', at) ? 'rec' : undefined;
    case 4:
      return text.startsWith('then', at) ? 'then' : text.startsWith('else', at) ? 'else' : text.startsWith('with', at) ? 'with' : undefined;
    case 6:
      return text.startsWith('assert', at) ? 'assert' : undefined;
    case 7:
      return text.startsWith('inherit', at) ? 'inherit' : undefined;
    default:
      return undefined;
  }
}

export interface WordScan {
  readonly kind: TokenKind;
  readonly length: number;
  /** `./a/${`: a PATH of `length` characters that an interpolation follows. */
  readonly interpolatedPath: boolean;
}

export function scanWord(text: string, at: number): WordScan {
  // The common case first: a word that starts like an identifier and is followed by neither '/'
  // nor ':' after its run of path characters can be neither a path nor a URI, and no other rule
  // starts with a letter, so it is an identifier or a keyword.
  if (isIdStart(text, at)) {
    const id = matchId(text, at);
    let afterRun = at + 1;
    while (isPathChar(text, afterRun)) afterRun++;
    const stop = text.charCodeAt(afterRun);
    if (stop !== 47 && stop !== 58) return { kind: keywordAt(text, at, id) ?? 'ID', length: id, interpolatedPath: false };
  }
  const c = text.charCodeAt(at);
  const next = text.charCodeAt(at + 1);
  // Candidates in the order of lexer.l's rules: on equal length the earlier one wins.
  let kind: TokenKind = 'ERROR';
  let length = 0;
  if (c === 46 && next === 46 && text.charCodeAt(at + 2) === 46) {
    kind = '...';
    length = 3;
  } else if (c === 45 && next === 62) {
    kind = '->';
    length = 2;
  } else if (c === 47 && next === 47) {
    kind = '//';
    length = 2;
  } else if (c === 43 && next === 43) {
    kind = '++';
    length = 2;
  }
  const id = isIdStart(text, at) ? matchId(text, at) : 0;
  if (id > length) {
    kind = keywordAt(text, at, id) ?? 'ID';
    length = id;
  }
  if (isDigit(text, at)) {
    const int = matchInt(text, at);
    if (int > length) {
      kind = 'INT';
      length = int;
    }
  }
  if (isDigit(text, at) || c === 46) {
    const float = matchFloat(text, at);
    if (float > length) {
      kind = 'FLOAT';
      length = float;
    }
  }
  // Paths need a '/' after their first run of path characters, URIs a ':' (their scheme
  // characters are path characters minus '_'): one scan decides whether to try either.
  let afterRun = at;
  while (isPathChar(text, afterRun)) afterRun++;
  const stop = text.charCodeAt(afterRun);
  const pathLike = stop === 47;
  const segDollar = pathLike ? matchPathSegDollar(text, at) : 0;
  if (segDollar > length) return { kind: 'PATH', length: segDollar - 2, interpolatedPath: true };
  const path = pathLike ? matchPath(text, at) : 0;
  if (path > length) return { kind: 'PATH', length: path, interpolatedPath: false };
  if (id > 0 && stop === 58) {
    const uri = matchUri(text, at);
    if (uri > length) {
      kind = 'URI';
      length = uri;
    }
  }
  if (c === 47) {
    const comment = matchBlockComment(text, at);
    if (comment > length) return { kind: 'COMMENT', length: comment, interpolatedPath: false };
  }
  if (length === 0) {
    // ANY: one character Nix has a token for ('.', '-', '+', '/') or an invalid one.
    const single: TokenKind | undefined = c === 46 ? '.' : c === 45 ? '-' : c === 43 ? '+' : c === 47 ? '/' : undefined;
    if (single !== undefined) return { kind: single, length: 1, interpolatedPath: false };
    // A surrogate pair is one character, whatever Nix makes of its bytes.
    const wide = c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000;
    return { kind: 'ERROR', length: wide ? 2 : 1, interpolatedPath: false };
  }
  return { kind, length, interpolatedPath: false };
}

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

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>(
  (['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or'] as const).map((k) => [k, k]),
);

export interface WordScan {
  readonly kind: TokenKind;
  readonly length: number;
  /** `./a/${`: a PATH of `length` characters that an interpolation follows. */
  readonly interpolatedPath: boolean;
}

export function scanWord(text: string, at: number): WordScan {
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
    kind = (id <= 7 ? KEYWORDS.get(text.slice(at, at + id)) : undefined) ?? 'ID';
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

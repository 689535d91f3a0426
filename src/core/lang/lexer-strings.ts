/**
 * The string start conditions of Nix's lexer (lexer.l): what the next token is inside `"…"`
 * and inside `''…''`. The lexer applies the state changes (a quote closes, `${` opens an
 * interpolation); these functions only measure.
 */
import type { TokenKind } from './tokens';

export interface Scan {
  readonly kind: TokenKind;
  readonly length: number;
}

/**
 * <STRING>: `([^\$\"\\]|\$[^\{\"\\]|\\{ANY}|\$\\{ANY})+` is a literal piece, also when it
 * ends in `$` right before the closing quote; `${` opens an interpolation; `"` closes.
 */
export function scanString(text: string, at: number): Scan {
  const n = text.length;
  let p = at;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === 34) break;
    if (c === 92) {
      if (p + 1 >= n) break;
      p += 2;
    } else if (c === 36) {
      const d = text.charCodeAt(p + 1);
      if (p + 1 >= n || d === 123 || d === 34) break;
      if (d === 92) {
        if (p + 2 >= n) break;
        p += 3;
      } else p += 2;
    } else p++;
  }
  if (text.charCodeAt(p) === 36 && text.charCodeAt(p + 1) === 34) return { kind: 'STR', length: p + 1 - at };
  if (p > at) return { kind: 'STR', length: p - at };
  const c = text.charCodeAt(at);
  if (c === 34) return { kind: '"', length: 1 };
  if (c === 36 && text.charCodeAt(at + 1) === 123) return { kind: 'DOLLAR_CURLY', length: 2 };
  // `\$|\\|\$\\` at the end of the text: a piece that can never close.
  return { kind: 'STR', length: n - at };
}

/** <IND_STRING>, rule for rule: pieces, the escapes `''$` `'''` `''\x`, `${`, and the closing `''`. */
export function scanIndString(text: string, at: number): Scan {
  const n = text.length;
  let p = at;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === 36 || c === 39) {
      const d = text.charCodeAt(p + 1);
      if (p + 1 >= n || d === 39 || (c === 36 ? d === 123 : d === 36)) break;
      p += 2;
    } else p++;
  }
  if (p > at) return { kind: 'IND_STR', length: p - at };
  const c = text.charCodeAt(at);
  const d = text.charCodeAt(at + 1);
  if (c === 36) return d === 123 ? { kind: 'DOLLAR_CURLY', length: 2 } : { kind: 'IND_STR', length: 1 };
  // c is a quote
  if (d !== 39) return { kind: 'IND_STR', length: 1 };
  const e = text.charCodeAt(at + 2);
  if (e === 39 || e === 36) return { kind: 'IND_STR', length: 3 }; // ''' and ''$
  if (e === 92 && at + 3 < n) return { kind: 'IND_STR', length: 4 }; // ''\{ANY}
  return { kind: 'IND_STRING_CLOSE', length: 2 };
}

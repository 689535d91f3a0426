/**
 * The regular expressions of Nix's lexer (lexer.l, Nix 2.8), each as a function that returns how
 * many characters it matches at a position (0: no match). The lexer picks the longest match and,
 * on a tie, the rule listed first, exactly as flex does; hand-written matchers keep that choice
 * exact and fast.
 *
 *   ID          [a-zA-Z\_][a-zA-Z0-9\_\'\-]*
 *   INT         [0-9]+
 *   FLOAT       (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?
 *   PATH_CHAR   [a-zA-Z0-9\.\_\-\+]
 *   PATH        {PATH_CHAR}*(\/{PATH_CHAR}+)+\/?
 *   PATH_SEG    {PATH_CHAR}*\/
 *   HPATH       \~(\/{PATH_CHAR}+)+\/?
 *   HPATH_START \~\/
 *   SPATH       \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>
 *   URI         [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
 */

const ID_START = 1;
const ID_CHAR = 2;
const PATH_CHAR = 4;
const URI_SCHEME = 8;
const URI_CHAR = 16;
const DIGIT = 32;

const CLASSES = buildClasses();

function buildClasses(): Uint8Array {
  const table = new Uint8Array(128);
  const add = (chars: string, flag: number): void => {
    for (let i = 0; i < chars.length; i++) {
      const code = chars.charCodeAt(i);
      table[code] = (table[code] ?? 0) | flag;
    }
  };
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  const letters = lower + lower.toUpperCase();
  const digits = '0123456789';
  add(letters + '_', ID_START);
  add(letters + digits + "_'-", ID_CHAR);
  add(letters + digits + '._-+', PATH_CHAR);
  add(letters + digits + '+-.', URI_SCHEME);
  add(letters + digits + "%/?:@&=+$,-_.!~*'", URI_CHAR);
  add(digits, DIGIT);
  return table;
}

function has(text: string, at: number, flag: number): boolean {
  const code = text.charCodeAt(at);
  return code < 128 && ((CLASSES[code] ?? 0) & flag) !== 0;
}

export function isIdStart(text: string, at: number): boolean {
  return has(text, at, ID_START);
}

export function isPathChar(text: string, at: number): boolean {
  return has(text, at, PATH_CHAR);
}

export function isDigit(text: string, at: number): boolean {
  return has(text, at, DIGIT);
}

function skip(text: string, at: number, flag: number): number {
  let p = at;
  while (p < text.length && has(text, p, flag)) p++;
  return p;
}

export function matchId(text: string, at: number): number {
  if (!has(text, at, ID_START)) return 0;
  return skip(text, at + 1, ID_CHAR) - at;
}

export function matchInt(text: string, at: number): number {
  return skip(text, at, DIGIT) - at;
}

export function matchFloat(text: string, at: number): number {
  let p = at;
  const code = text.charCodeAt(p);
  if (code >= 49 && code <= 57) {
    // [1-9][0-9]*\.[0-9]*
    p = skip(text, p + 1, DIGIT);
    if (text.charCodeAt(p) !== 46) return 0;
    p = skip(text, p + 1, DIGIT);
  } else {
    // 0?\.[0-9]+
    if (code === 48) p++;
    if (text.charCodeAt(p) !== 46 || !has(text, p + 1, DIGIT)) return 0;
    p = skip(text, p + 1, DIGIT);
  }
  const e = text.charCodeAt(p);
  if (e === 69 || e === 101) {
    let q = p + 1;
    const sign = text.charCodeAt(q);
    if (sign === 43 || sign === 45) q++;
    if (has(text, q, DIGIT)) p = skip(text, q, DIGIT);
  }
  return p - at;
}

/** `(\/{PATH_CHAR}+)+\/?` from `at`; returns the end, or -1 when there is no segment. */
function pathSegments(text: string, at: number): number {
  let p = at;
  let segments = 0;
  while (text.charCodeAt(p) === 47 && has(text, p + 1, PATH_CHAR)) {
    p = skip(text, p + 2, PATH_CHAR);
    segments++;
  }
  if (segments === 0) return -1;
  if (text.charCodeAt(p) === 47) p++;
  return p;
}

export function matchPath(text: string, at: number): number {
  const end = pathSegments(text, skip(text, at, PATH_CHAR));
  return end < 0 ? 0 : end - at;
}

/** `{PATH_SEG}\$\{`: the start of a path whose first segment is interpolated (`./${x}`). */
export function matchPathSegDollar(text: string, at: number): number {
  const p = skip(text, at, PATH_CHAR);
  if (text.charCodeAt(p) === 47 && text.charCodeAt(p + 1) === 36 && text.charCodeAt(p + 2) === 123) {
    return p + 3 - at;
  }
  return 0;
}

/** `{PATH}|{PATH_SEG}|{PATH_CHAR}+`: a literal piece inside an interpolated path. */
export function matchPathPiece(text: string, at: number): number {
  const chars = skip(text, at, PATH_CHAR);
  const path = pathSegments(text, chars);
  if (path >= 0) return path - at;
  if (text.charCodeAt(chars) === 47) return chars + 1 - at;
  return chars - at;
}

export function matchHPath(text: string, at: number): number {
  if (text.charCodeAt(at) !== 126) return 0;
  const end = pathSegments(text, at + 1);
  return end < 0 ? 0 : end - at;
}

export function matchHPathStartDollar(text: string, at: number): number {
  return text.startsWith('~/${', at) ? 4 : 0;
}

export function matchSPath(text: string, at: number): number {
  if (text.charCodeAt(at) !== 60 || !has(text, at + 1, PATH_CHAR)) return 0;
  let p = skip(text, at + 1, PATH_CHAR);
  while (text.charCodeAt(p) === 47 && has(text, p + 1, PATH_CHAR)) p = skip(text, p + 2, PATH_CHAR);
  return text.charCodeAt(p) === 62 ? p + 1 - at : 0;
}

export function matchUri(text: string, at: number): number {
  if (!has(text, at, ID_START) || text.charCodeAt(at) === 95) return 0;
  const p = skip(text, at + 1, URI_SCHEME);
  if (text.charCodeAt(p) !== 58 || !has(text, p + 1, URI_CHAR)) return 0;
  return skip(text, p + 1, URI_CHAR) - at;
}

/** `[ \t\r\n]+` */
export function matchWhitespace(text: string, at: number): number {
  let p = at;
  for (;;) {
    const c = text.charCodeAt(p);
    if (c === 32 || c === 9 || c === 10 || c === 13) p++;
    else return p - at;
  }
}

/** `\#[^\r\n]*` */
export function matchLineComment(text: string, at: number): number {
  let p = at + 1;
  for (;;) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13 || Number.isNaN(c)) return p - at;
    p++;
  }
}

/** `\/\*([^*]|\*+[^*\/])*\*+\/`: an unterminated comment is no comment at all (Nix then sees `/`). */
export function matchBlockComment(text: string, at: number): number {
  if (text.charCodeAt(at + 1) !== 42) return 0;
  const close = text.indexOf('*/', at + 2);
  return close < 0 ? 0 : close + 2 - at;
}

const MAX_INT = 9223372036854775807n;

/**
 * Nix's complaint about a number literal, if any: an INT must fit in 64 bits; a FLOAT goes
 * through strtod, which sets ERANGE on overflow and on underflow below the normal range.
 */
export function numberProblem(kind: 'INT' | 'FLOAT', literal: string): string | undefined {
  if (kind === 'INT') return literal.length >= 19 && BigInt(literal) > MAX_INT ? `invalid integer '${literal}'` : undefined;
  const value = Number(literal);
  const tooSmall = value < 2.2250738585072014e-308 && /[1-9]/.test(literal.replace(/[eE].*$/, ''));
  return !Number.isFinite(value) || tooSmall ? `invalid float '${literal}'` : undefined;
}

/**
 * The Nix lexer: a faithful re-implementation of Nix's flex scanner (lexer.l), start conditions
 * and all, so that every text splits into the same tokens Nix sees. Unlike Nix it never stops:
 * what Nix rejects while scanning (a path with a trailing slash, an integer or float out of
 * range) becomes a diagnostic and scanning goes on.
 *
 * The token stream does not depend on the parser (Nix's scanner keeps its own state stack), so
 * the whole text is scanned first.
 */
import {
  matchBlockComment,
  matchFloat,
  matchHPath,
  matchHPathStartDollar,
  matchId,
  matchInt,
  matchLineComment,
  matchPath,
  matchPathPiece,
  matchPathSegDollar,
  matchSPath,
  matchUri,
  matchWhitespace,
  isDigit,
  isIdStart,
  isPathChar,
} from './lexer-rules';
import type { Token, TokenKind } from './tokens';

/** A problem Nix's scanner itself reports; `token` is the index of the token it belongs to. */
export interface LexError {
  readonly code: 'trailing-slash' | 'invalid-integer' | 'invalid-float';
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly token: number;
}

export interface LexResult {
  /** Every token, trivia included, ending with one zero-width EOF token. */
  readonly tokens: Token[];
  readonly errors: LexError[];
}

const enum State {
  Initial,
  Default,
  String,
  IndString,
  InPath,
  InPathSlash,
}

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['if', 'if'],
  ['then', 'then'],
  ['else', 'else'],
  ['assert', 'assert'],
  ['with', 'with'],
  ['let', 'let'],
  ['in', 'in'],
  ['rec', 'rec'],
  ['inherit', 'inherit'],
  ['or', 'or'],
]);

const MAX_INT = 9223372036854775807n;

export function lex(text: string): LexResult {
  return new Lexer(text).run();
}

class Lexer {
  private readonly tokens: Token[] = [];
  private readonly errors: LexError[] = [];
  private readonly stack: State[] = [State.Initial];
  private pos = 0;

  constructor(private readonly text: string) {}

  run(): LexResult {
    const n = this.text.length;
    while (this.pos < n) {
      const state = this.stack[this.stack.length - 1] ?? State.Initial;
      switch (state) {
        case State.String:
          this.lexString();
          break;
        case State.IndString:
          this.lexIndString();
          break;
        case State.InPath:
        case State.InPathSlash:
          this.lexInPath(state);
          break;
        default:
          this.lexDefault();
      }
    }
    // A path that runs to the end of the text still gets its end (Nix: <INPATH><<EOF>>).
    const state = this.stack[this.stack.length - 1];
    if (state === State.InPath || state === State.InPathSlash) this.endPath(state);
    this.tokens.push({ type: 'token', kind: 'EOF', start: n, end: n });
    return { tokens: this.tokens, errors: this.errors };
  }

  private emit(kind: TokenKind, length: number): void {
    const start = this.pos;
    this.pos += length;
    this.tokens.push({ type: 'token', kind, start, end: this.pos });
  }

  private push(state: State): void {
    this.stack.push(state);
  }

  private pop(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  private lexDefault(): void {
    const text = this.text;
    const at = this.pos;
    const c = text.charCodeAt(at);
    const next = text.charCodeAt(at + 1);
    switch (c) {
      case 32: // space
      case 9:
      case 10:
      case 13:
        return this.emit('WHITESPACE', matchWhitespace(text, at));
      case 35: // #
        return this.emit('COMMENT', matchLineComment(text, at));
      case 123: // {
        this.push(State.Default);
        return this.emit('{', 1);
      case 125: // }
        // Nix pops unless at the bottom of the stack, so a stray '}' never breaks the scanner.
        this.pop();
        return this.emit('}', 1);
      case 34: // "
        this.push(State.String);
        return this.emit('"', 1);
      case 36: // $
        if (next === 123) {
          this.push(State.Default);
          return this.emit('DOLLAR_CURLY', 2);
        }
        return this.emit('ERROR', 1);
      case 39: // '
        if (next === 39) {
          // ''(\ *\n)?  the opening takes the rest of its line when that is only spaces
          let p = at + 2;
          while (text.charCodeAt(p) === 32) p++;
          const length = text.charCodeAt(p) === 10 ? p + 1 - at : 2;
          this.push(State.IndString);
          return this.emit('IND_STRING_OPEN', length);
        }
        return this.emit('ERROR', 1);
      case 61: // =
        return next === 61 ? this.emit('==', 2) : this.emit('=', 1);
      case 33: // !
        return next === 61 ? this.emit('!=', 2) : this.emit('!', 1);
      case 38: // &
        return next === 38 ? this.emit('&&', 2) : this.emit('ERROR', 1);
      case 124: // |
        if (next === 124) return this.emit('||', 2);
        return next === 62 ? this.emit('|>', 2) : this.emit('ERROR', 1);
      case 62: // >
        return next === 61 ? this.emit('>=', 2) : this.emit('>', 1);
      case 60: {
        // <
        const spath = matchSPath(text, at);
        if (spath > 0) return this.emit('SPATH', spath);
        if (next === 61) return this.emit('<=', 2);
        return next === 124 ? this.emit('<|', 2) : this.emit('<', 1);
      }
      case 126: {
        // ~
        const start = matchHPathStartDollar(text, at);
        const hpath = matchHPath(text, at);
        if (start > 0 && start >= hpath) {
          this.push(State.InPathSlash);
          return this.emit('HPATH', 2);
        }
        if (hpath > 0) return this.emitPath('HPATH', hpath);
        return this.emit('ERROR', 1);
      }
      case 91:
        return this.emit('[', 1);
      case 93:
        return this.emit(']', 1);
      case 40:
        return this.emit('(', 1);
      case 41:
        return this.emit(')', 1);
      case 59:
        return this.emit(';', 1);
      case 58:
        return this.emit(':', 1);
      case 44:
        return this.emit(',', 1);
      case 64:
        return this.emit('@', 1);
      case 63:
        return this.emit('?', 1);
      case 42:
        return this.emit('*', 1);
      default:
        return this.lexWordLike(c, next);
    }
  }

  /** Identifiers, keywords, numbers, paths, URIs and the operators that start like a path. */
  private lexWordLike(c: number, next: number): void {
    const text = this.text;
    const at = this.pos;
    // Candidates in the order of lexer.l's rules: on equal length the earlier one wins.
    const best: { kind: TokenKind; length: number } = { kind: 'ERROR', length: 0 };
    const offer = (k: TokenKind, l: number): void => {
      if (l > best.length) {
        best.kind = k;
        best.length = l;
      }
    };
    if (c === 46 && next === 46 && text.charCodeAt(at + 2) === 46) offer('...', 3);
    if (c === 45 && next === 62) offer('->', 2);
    if (c === 47 && next === 47) offer('//', 2);
    if (c === 43 && next === 43) offer('++', 2);
    const id = isIdStart(text, at) ? matchId(text, at) : 0;
    if (id > 0) offer(KEYWORDS.get(text.slice(at, at + id)) ?? 'ID', id);
    if (isDigit(text, at)) offer('INT', matchInt(text, at));
    if (isDigit(text, at) || c === 46) offer('FLOAT', matchFloat(text, at));
    const pathLike = isPathChar(text, at) || c === 47;
    const segDollar = pathLike ? matchPathSegDollar(text, at) : 0;
    if (segDollar > best.length) {
      // {PATH_SEG}\$\{: Nix re-scans in PATH_START and returns the segment as a PATH.
      this.push(State.InPathSlash);
      return this.emit('PATH', segDollar - 2);
    }
    const path = pathLike ? matchPath(text, at) : 0;
    if (path > best.length) return this.emitPath('PATH', path);
    if (id > 0) offer('URI', matchUri(text, at));
    if (c === 47) {
      const comment = matchBlockComment(text, at);
      if (comment > best.length) return this.emit('COMMENT', comment);
    }
    if (best.length === 0) {
      // ANY: one character Nix has a token for ('.', '-', '+', '/') or an invalid one.
      const single: TokenKind | undefined = c === 46 ? '.' : c === 45 ? '-' : c === 43 ? '+' : c === 47 ? '/' : undefined;
      if (single !== undefined) return this.emit(single, 1);
      // A surrogate pair is one character, whatever Nix makes of its bytes.
      const wide = c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000;
      return this.emit('ERROR', wide ? 2 : 1);
    }
    this.emit(best.kind, best.length);
    if (best.kind === 'INT') this.checkInt(at);
    else if (best.kind === 'FLOAT') this.checkFloat(at);
  }

  private emitPath(kind: 'PATH' | 'HPATH', length: number): void {
    this.push(this.text.charCodeAt(this.pos + length - 1) === 47 ? State.InPathSlash : State.InPath);
    this.emit(kind, length);
  }

  private checkInt(start: number): void {
    const digits = this.text.slice(start, this.pos);
    if (digits.length >= 19 && BigInt(digits) > MAX_INT) {
      this.error('invalid-integer', `invalid integer '${digits}'`, start);
    }
  }

  private checkFloat(start: number): void {
    const literal = this.text.slice(start, this.pos);
    const value = Number(literal);
    // Nix uses strtod and rejects what sets ERANGE: overflow, and underflow below the normal
    // range (glibc reports ERANGE for results that end up denormal or zero).
    const tooSmall = value < 2.2250738585072014e-308 && /[1-9]/.test(literal.replace(/[eE].*$/, ''));
    if (!Number.isFinite(value) || tooSmall) this.error('invalid-float', `invalid float '${literal}'`, start);
  }

  private error(code: LexError['code'], message: string, start: number): void {
    this.errors.push({ code, message, start, end: this.pos, token: this.tokens.length - 1 });
  }

  /**
   * <STRING>: `([^\$\"\\]|\$[^\{\"\\]|\\{ANY}|\$\\{ANY})+` is a literal piece, also when it ends
   * in `$` right before the closing quote; `${` opens an interpolation; `"` closes.
   */
  private lexString(): void {
    const text = this.text;
    const n = text.length;
    const at = this.pos;
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
    if (text.charCodeAt(p) === 36 && text.charCodeAt(p + 1) === 34) return this.emit('STR', p + 1 - at);
    if (p > at) return this.emit('STR', p - at);
    const c = text.charCodeAt(at);
    if (c === 34) {
      this.pop();
      return this.emit('"', 1);
    }
    if (c === 36 && text.charCodeAt(at + 1) === 123) {
      this.push(State.Default);
      return this.emit('DOLLAR_CURLY', 2);
    }
    // `\$|\\|\$\\` at the end of the text: a piece that can never close.
    return this.emit('STR', n - at);
  }

  /** <IND_STRING>, rule for rule. */
  private lexIndString(): void {
    const text = this.text;
    const n = text.length;
    const at = this.pos;
    let p = at;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === 36 || c === 39) {
        const d = text.charCodeAt(p + 1);
        if (p + 1 >= n || d === 39 || (c === 36 ? d === 123 : d === 36)) break;
        p += 2;
      } else p++;
    }
    if (p > at) return this.emit('IND_STR', p - at);
    const c = text.charCodeAt(at);
    const d = text.charCodeAt(at + 1);
    if (c === 36) return d === 123 ? this.enterInterpolation() : this.emit('IND_STR', 1);
    // c is a quote
    if (d !== 39) return this.emit('IND_STR', 1);
    const e = text.charCodeAt(at + 2);
    if (e === 39 || e === 36) return this.emit('IND_STR', 3); // ''' and ''$
    if (e === 92 && at + 3 < n) return this.emit('IND_STR', 4); // ''\{ANY}
    this.pop();
    return this.emit('IND_STRING_CLOSE', 2);
  }

  private enterInterpolation(): void {
    this.push(State.Default);
    this.emit('DOLLAR_CURLY', 2);
  }

  /** <INPATH,INPATH_SLASH>: pieces and interpolations after a path's first segment. */
  private lexInPath(state: State): void {
    const text = this.text;
    const at = this.pos;
    if (text.charCodeAt(at) === 36 && text.charCodeAt(at + 1) === 123) {
      this.pop();
      this.push(State.InPath);
      return this.enterInterpolation();
    }
    const piece = matchPathPiece(text, at);
    if (piece > 0) {
      this.pop();
      this.push(text.charCodeAt(at + piece - 1) === 47 ? State.InPathSlash : State.InPath);
      return this.emit('STR', piece);
    }
    this.endPath(state);
  }

  private endPath(state: State): void {
    this.pop();
    this.emit('PATH_END', 0);
    if (state === State.InPathSlash) {
      const path = this.tokens.length - 2;
      const first = this.tokens[path];
      this.errors.push({
        code: 'trailing-slash',
        message: 'path has a trailing slash',
        start: first?.start ?? this.pos,
        end: this.pos,
        token: this.tokens.length - 1,
      });
    }
  }
}

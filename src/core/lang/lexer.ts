/**
 * The Nix lexer: a faithful re-implementation of Nix's flex scanner (lexer.l), start conditions
 * and all, so that every text splits into the same tokens Nix sees. Unlike Nix it never stops:
 * what Nix rejects while scanning (a path with a trailing slash, an integer or float out of
 * range) becomes a diagnostic and scanning goes on.
 *
 * The token stream does not depend on the parser (Nix's scanner keeps its own state stack), so
 * the whole text is scanned first.
 */
import { matchHPath, matchHPathStartDollar, matchLineComment, matchPathPiece, matchSPath, matchWhitespace, numberProblem } from './lexer-rules';
import { scanWord } from './lexer-words';
import { scanIndString, scanString } from './lexer-strings';
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


/** Characters that are always a token of their own. */
const SINGLE_CHARACTER_TOKENS: ReadonlyMap<number, TokenKind> = new Map(
  (['[', ']', '(', ')', ';', ':', ',', '@', '?', '*'] as const).map((k) => [k.charCodeAt(0), k]),
);

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
      default: {
        const single = SINGLE_CHARACTER_TOKENS.get(c);
        return single === undefined ? this.lexWordLike() : this.emit(single, 1);
      }
    }
  }

  /** Identifiers, keywords, numbers, paths, URIs and the operators that start like a path. */
  private lexWordLike(): void {
    const at = this.pos;
    const { kind, length, interpolatedPath } = scanWord(this.text, at);
    if (interpolatedPath) {
      // {PATH_SEG}\$\{: Nix re-scans in PATH_START and returns the segment as a PATH.
      this.push(State.InPathSlash);
      return this.emit('PATH', length);
    }
    if (kind === 'PATH') return this.emitPath('PATH', length);
    this.emit(kind, length);
    if (kind === 'INT' || kind === 'FLOAT') {
      const problem = numberProblem(kind, this.text.slice(at, at + length));
      if (problem !== undefined) this.error(kind === 'INT' ? 'invalid-integer' : 'invalid-float', problem, at);
    }
  }

  private emitPath(kind: 'PATH' | 'HPATH', length: number): void {
    this.push(this.text.charCodeAt(this.pos + length - 1) === 47 ? State.InPathSlash : State.InPath);
    this.emit(kind, length);
  }

  private error(code: LexError['code'], message: string, start: number): void {
    this.errors.push({ code, message, start, end: this.pos, token: this.tokens.length - 1 });
  }

  private lexString(): void {
    const { kind, length } = scanString(this.text, this.pos);
    if (kind === '"') this.pop();
    else if (kind === 'DOLLAR_CURLY') this.push(State.Default);
    this.emit(kind, length);
  }

  private lexIndString(): void {
    const { kind, length } = scanIndString(this.text, this.pos);
    if (kind === 'IND_STRING_CLOSE') this.pop();
    else if (kind === 'DOLLAR_CURLY') this.push(State.Default);
    this.emit(kind, length);
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

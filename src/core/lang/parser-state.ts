/**
 * The parser's cursor over the significant tokens, node construction and syntax errors. Nodes
 * are built without trivia; `attachTrivia` (parse.ts) weaves whitespace and comments in after.
 */
import type { SyntaxElement, NodeKind, SyntaxNode } from './syntax';
import { describeToken, isTrivia, type Token, type TokenKind } from './tokens';

export type ParseErrorCode =
  | 'syntax-error'
  | 'duplicate-attribute'
  | 'duplicate-formal'
  | 'dynamic-attribute'
  | 'trailing-slash'
  | 'invalid-integer'
  | 'invalid-float'
  /** `|>` and `<|`: parsed, but Nix needs the pipe-operators experimental feature for them. */
  | 'pipe-operator';

export interface ParseError {
  readonly code: ParseErrorCode;
  readonly message: string;
  /** UTF-16 offsets; for a syntax error, the token at which Nix's parser stops. */
  readonly start: number;
  readonly end: number;
}

/** Nesting (parentheses, lists, prefix operators…) beyond which we stop rather than overflow
 * the call stack. Nix's bison stack allows more, but no real file comes near this. */
const MAX_DEPTH = 1500;

export class ParserState {
  readonly errors: ParseError[] = [];
  /** Sets, lets and lambdas in the order they were built: inner ones before outer ones. */
  readonly scopeNodes: SyntaxNode[] = [];
  private depth = 0;
  /** Set once nesting exceeded MAX_DEPTH: the rest of the text is skipped, not parsed. */
  tooDeep = false;
  /** Indices into `tokens` of the significant tokens, the final EOF included. */
  private readonly significant: Int32Array;
  private cursor = 0;
  /** The significant-token index of the last syntax error, to report one error per position. */
  private lastErrorAt = -1;

  constructor(
    readonly text: string,
    readonly tokens: readonly Token[],
  ) {
    const significant = new Int32Array(tokens.length);
    let count = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token !== undefined && !isTrivia(token.kind)) significant[count++] = i;
    }
    this.significant = significant.subarray(0, count);
  }

  private tokenAt(offset: number): Token {
    const index = this.significant[Math.min(this.cursor + offset, this.significant.length - 1)] ?? 0;
    const token = this.tokens[index];
    if (token === undefined) throw new Error('lexer produced no EOF token');
    return token;
  }

  /** The kind of the significant token `offset` places ahead (EOF past the end). */
  peek(offset = 0): TokenKind {
    return this.tokenAt(offset).kind;
  }

  current(): Token {
    return this.tokenAt(0);
  }

  atEnd(): boolean {
    return this.peek() === 'EOF';
  }

  /** Moves the current token into `into` (never the EOF token). */
  bump(into: SyntaxElement[]): void {
    const token = this.tokenAt(0);
    if (token.kind === 'EOF') return;
    into.push(token);
    this.cursor++;
  }

  /** Bumps the current token if it is `kind`, else reports what was expected. */
  expect(kind: TokenKind, into: SyntaxElement[], expected = describeToken(kind)): boolean {
    if (this.peek() === kind) {
      this.bump(into);
      return true;
    }
    this.unexpected(expected);
    return false;
  }

  /** A syntax error at the current token, once per position so that one slip gives one error. */
  unexpected(expected: string, hint?: string): void {
    if (this.cursor <= this.lastErrorAt) return;
    this.lastErrorAt = this.cursor;
    const token = this.current();
    const found = token.kind === 'EOF' ? 'end of file' : `'${this.text.slice(token.start, token.end)}'`;
    this.errors.push({
      code: 'syntax-error',
      message: `Syntax error: unexpected ${found}, expected ${expected}.${hint === undefined ? '' : ` ${hint}`}`,
      start: token.start,
      end: token.end,
    });
  }

  /** Enters one level of nesting; false (and an error, once) when that is too deep. */
  enter(): boolean {
    if (this.depth >= MAX_DEPTH) {
      if (!this.tooDeep) {
        const token = this.current();
        this.report('syntax-error', `The expression is nested more than ${MAX_DEPTH} levels deep; it is not checked further.`, token.start, token.end);
        this.tooDeep = true;
      }
      return false;
    }
    this.depth++;
    return true;
  }

  leave(): void {
    this.depth--;
  }

  /** Whether the current token is the first on its line. */
  atLineStart(): boolean {
    const text = this.text;
    for (let i = this.current().start - 1; i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) return true;
      if (c !== 32 && c !== 9) return false;
    }
    return true;
  }

  /** Whether a syntax error has been reported at or after the current token. */
  erredHere(): boolean {
    return this.lastErrorAt >= this.cursor;
  }

  report(code: ParseErrorCode, message: string, start: number, end: number): void {
    this.errors.push({ code, message, start, end });
  }

  /** Where the last consumed token ended: the place of a node with no tokens. */
  private lastEnd(): number {
    const index = this.significant[this.cursor - 1];
    return index === undefined ? 0 : (this.tokens[index]?.end ?? 0);
  }

  node(kind: NodeKind, children: SyntaxElement[]): SyntaxNode {
    const first = children[0];
    const last = children[children.length - 1];
    const start = first === undefined ? this.lastEnd() : first.start;
    const end = last === undefined ? start : last.end;
    const node: SyntaxNode = { type: 'node', kind, start, end, children, parent: undefined };
    if (kind === 'AttrSet' || kind === 'LetIn' || kind === 'LetAttrSet' || kind === 'Lambda') this.scopeNodes.push(node);
    return node;
  }
}

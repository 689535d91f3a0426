/**
 * The parser's cursor over the significant tokens, node construction and syntax errors. Each
 * node gets the whitespace and comments between its children as it is built (`node`), so the
 * tree needs no second pass and no second children array per node.
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
  /** `starts[i]` is `tokens[i].start`: a typed array to binary-search without touching tokens. */
  private readonly starts: Int32Array;
  /** 1 + the index of the trivia token that starts at each offset, 0 where none does: finds
   * the trivia in a gap between two children without a search. */
  private readonly triviaAt: Int32Array;
  private cursor = 0;
  /** The significant-token index of the last syntax error, to report one error per position. */
  private lastErrorAt = -1;
  /** Whether an empty node has been built: see `withTrivia`. */
  private sawEmptyNode = false;

  constructor(
    readonly text: string,
    readonly tokens: readonly Token[],
  ) {
    const significant = new Int32Array(tokens.length);
    const starts = new Int32Array(tokens.length);
    const triviaAt = new Int32Array(text.length + 1);
    let count = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token === undefined) continue;
      starts[i] = token.start;
      if (!isTrivia(token.kind)) significant[count++] = i;
      else triviaAt[token.start] = i + 1;
    }
    this.triviaAt = triviaAt;
    this.significant = significant.subarray(0, count);
    this.starts = starts;
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
    if (children.length === 0) this.sawEmptyNode = true;
    const node: SyntaxNode = { type: 'node', kind, start, end, children: this.withTrivia(children, false), parent: undefined };
    for (const child of node.children) if (child.type === 'node') child.parent = node;
    if (kind === 'AttrSet' || kind === 'LetIn' || kind === 'LetAttrSet' || kind === 'Lambda') this.scopeNodes.push(node);
    return node;
  }

  /** The root: its children with all trivia, leading and trailing included. */
  root(children: SyntaxElement[]): SyntaxNode {
    const all = this.withTrivia(children, true);
    const root: SyntaxNode = { type: 'node', kind: 'Root', start: 0, end: this.text.length, children: all, parent: undefined };
    for (const child of all) if (child.type === 'node') child.parent = root;
    return root;
  }

  /**
   * `children` with the trivia that belongs between them: each whitespace or comment goes into
   * the innermost node with significant tokens on both sides of it (so nodes start and end with
   * significant tokens), before the child that follows it; the root also takes leading and
   * trailing trivia. A new array only when there is trivia to put in.
   */
  private withTrivia(children: SyntaxElement[], isRoot: boolean): SyntaxElement[] {
    if (isRoot || this.sawEmptyNode) return this.withTriviaByIndex(children, isRoot);
    // Without empty nodes, there is trivia before a child exactly when there is a gap between
    // it and the child before, and the trivia starts where that child ends.
    let out: SyntaxElement[] | undefined;
    const tokens = this.tokens;
    for (let i = 1; i < children.length; i++) {
      const child = children[i] as SyntaxElement;
      const before = (children[i - 1] as SyntaxElement).end;
      if (child.start > before) {
        out ??= children.slice(0, i);
        // The gap holds only trivia; a zero-width token (PATH_END) at its start ends the child
        // before, so the trivia token that starts there is the gap's first.
        let j = (this.triviaAt[before] ?? 0) - 1;
        if (j < 0) j = this.firstTokenAt(before);
        for (let t = tokens[j]; t !== undefined && t.start < child.start; t = tokens[++j]) if (isTrivia(t.kind)) out.push(t);
      }
      out?.push(child);
    }
    // A copy of the exact size: an array grown by push keeps room for 17 or more elements, and
    // the tree keeps every children array alive for as long as it lives (the garbage collector
    // copies all of it while the parse runs).
    return out ?? children.slice();
  }

  /**
   * `withTrivia` by token index, for the root and once empty nodes (placeholders after an
   * error) exist: an empty node hides where trivia is, so each child's first token is found.
   * An empty child takes the trivia after the token before it, as an in-order walk places it.
   */
  private withTriviaByIndex(children: SyntaxElement[], isRoot: boolean): SyntaxElement[] {
    let out: SyntaxElement[] | undefined;
    const tokens = this.tokens;
    // Token index up to which trivia is placed (or lies outside this node).
    let placed = -1;
    let seen = isRoot;
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as SyntaxElement;
      if (seen) {
        // Looked up only here: the first child of a left-nested chain is the whole chain so far.
        const first = firstLeaf(child);
        // The trivia run just before the child's first token, or after the last token placed.
        let from: number;
        let to: number;
        if (first !== undefined) {
          to = this.indexOf(first);
          from = to;
          while (from - 1 > placed && isTrivia((tokens[from - 1] as Token).kind)) from--;
        } else {
          from = placed + 1;
          to = from;
          while (to < tokens.length && isTrivia((tokens[to] as Token).kind)) to++;
        }
        if (to > from) {
          out ??= children.slice(0, i);
          for (let j = from; j < to; j++) out.push(tokens[j] as Token);
          placed = to - 1;
        }
      }
      out?.push(child);
      const last = lastLeaf(child);
      if (last !== undefined) {
        seen = true;
        placed = this.indexOf(last);
      }
    }
    if (isRoot) {
      for (let j = placed + 1; j < tokens.length && isTrivia((tokens[j] as Token).kind); j++) (out ??= children.slice()).push(tokens[j] as Token);
    }
    return out ?? children;
  }

  private indexOf(token: Token): number {
    let j = this.firstTokenAt(token.start);
    while (j < this.tokens.length && this.tokens[j] !== token) j++;
    return j;
  }

  /** The index of the first token that starts at or after `offset`. */
  private firstTokenAt(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] ?? 0) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The first (or last) token of an element in order, skipping nodes without tokens; undefined
 * when it has none. Iterative: left-nested chains (`a + b + …`) can be deeper than the stack.
 */
function firstLeaf(element: SyntaxElement): Token | undefined {
  return edgeLeaf(element, true);
}

function lastLeaf(element: SyntaxElement): Token | undefined {
  return edgeLeaf(element, false);
}

function edgeLeaf(element: SyntaxElement, fromStart: boolean): Token | undefined {
  const stack: SyntaxElement[] = [element];
  for (let el = stack.pop(); el !== undefined; el = stack.pop()) {
    if (el.type === 'token') return el;
    const children = el.children;
    // Pushed in reverse of the order wanted, so the wanted end is popped first.
    if (fromStart) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as SyntaxElement);
    else for (const child of children) stack.push(child);
  }
  return undefined;
}

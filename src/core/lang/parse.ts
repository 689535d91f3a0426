/**
 * `parse(text)`: the one entry point that turns Nix text into a tree and its errors. It never
 * throws: every problem, a pathological input included, becomes an error in the result.
 */
import { checkAttributes } from './attr-checks';
import { lex } from './lexer';
import { parseExpr } from './parse-expr';
import { ParserState, type ParseError } from './parser-state';
import type { SyntaxElement, SyntaxNode } from './syntax';
import { isTrivia, type Token } from './tokens';

export interface ParseResult {
  readonly text: string;
  readonly root: SyntaxNode;
  /** Syntax errors and the checks Nix's parser makes (duplicates, dynamic attributes in let,
   * scanner errors), sorted by position. Undefined variables come from `resolveScopes`. */
  readonly errors: readonly ParseError[];
}

export function parse(text: string): ParseResult {
  const { tokens, errors: lexErrors } = lex(text);
  const p = new ParserState(text, tokens);
  const children: SyntaxElement[] = [];
  let root: SyntaxNode;
  try {
    const expr = parseExpr(p);
    if (expr === undefined) p.unexpected('an expression');
    else children.push(expr);
    if (!p.atEnd()) {
      p.unexpected(expr === undefined ? 'an expression' : 'end of file');
      children.push(skipRest(p));
    }
    root = { type: 'node', kind: 'Root', start: 0, end: text.length, children, parent: undefined };
    attachTrivia(root, tokens);
    checkAttributes(text, p);
  } catch (error) {
    // Only a stack overflow on absurdly nested input can get here; keep the promise not to throw.
    if (!(error instanceof RangeError)) throw error;
    return brokenResult(text, tokens, 'The expression is nested too deeply to check.');
  }
  const errors: ParseError[] = [...p.errors];
  for (const error of lexErrors) errors.push({ code: error.code, message: messageFor(error.code, error.message), start: error.start, end: error.end });
  errors.sort((a, b) => a.start - b.start);
  return { text, root, errors };
}

function messageFor(code: string, nixMessage: string): string {
  if (code === 'trailing-slash') return 'A path cannot end with a slash: remove the trailing /.';
  return `${nixMessage[0]?.toUpperCase() ?? ''}${nixMessage.slice(1)}: it does not fit in a 64-bit number.`;
}

/** After a complete expression, the rest of the text: more expressions if they parse, else tokens. */
function skipRest(p: ParserState): SyntaxNode {
  const skipped: SyntaxElement[] = [];
  while (!p.atEnd()) {
    const expr = p.tooDeep ? undefined : parseExpr(p);
    if (expr === undefined) p.bump(skipped);
    else skipped.push(expr);
  }
  return p.node('Error', skipped);
}

/**
 * Puts whitespace and comments into the tree: each goes into the innermost node that has
 * significant tokens on both sides of it, so nodes start and end with significant tokens.
 * Iterative, since left-nested chains (`a + b + …`) can be deeper than the call stack.
 */
function attachTrivia(root: SyntaxNode, tokens: readonly Token[]): void {
  let cur = 0;
  // Parallel stacks rather than frame objects, and a new children array only for a node that
  // gets trivia: this runs once per node of large files.
  const nodes: SyntaxNode[] = [root];
  const indices: number[] = [0];
  const outs: (SyntaxElement[] | undefined)[] = [undefined];
  for (let depth = 0; depth >= 0; ) {
    const node = nodes[depth];
    if (node === undefined) break;
    const index = indices[depth] ?? 0;
    const children = node.children;
    let out = outs[depth];
    const child = children[index];
    if (child !== undefined) {
      indices[depth] = index + 1;
      let t = tokens[cur];
      if (t !== undefined && isTrivia(t.kind)) {
        out ??= outs[depth] = children.slice(0, index);
        for (; t !== undefined && isTrivia(t.kind); t = tokens[++cur]) out.push(t);
      }
      out?.push(child);
      if (child.type === 'token') cur++;
      else {
        child.parent = node;
        depth++;
        nodes[depth] = child;
        indices[depth] = 0;
        outs[depth] = undefined;
      }
      continue;
    }
    if (depth === 0 && cur < tokens.length) {
      out ??= children.slice();
      for (let t = tokens[cur]; t !== undefined && isTrivia(t.kind); t = tokens[++cur]) out.push(t);
    }
    if (out !== undefined) setChildren(node, out);
    depth--;
  }
}

function setChildren(node: SyntaxNode, children: SyntaxElement[]): void {
  (node as { children: readonly SyntaxElement[] }).children = children;
}

function brokenResult(text: string, tokens: readonly Token[], message: string): ParseResult {
  const leaves = tokens.filter((t) => t.kind !== 'EOF');
  const root: SyntaxNode = { type: 'node', kind: 'Root', start: 0, end: text.length, children: [], parent: undefined };
  const error: SyntaxNode = { type: 'node', kind: 'Error', start: 0, end: text.length, children: leaves, parent: root };
  setChildren(root, [error]);
  return { text, root, errors: [{ code: 'syntax-error', message, start: 0, end: Math.min(text.length, 1) }] };
}

/**
 * `parse(text)`: the one entry point that turns Nix text into a tree and its errors. It never
 * throws: every problem, a pathological input included, becomes an error in the result.
 */
import { checkAttributes } from './attr-checks';
import { lex } from './lexer';
import { parseExpr } from './parse-expr';
import { ParserState, type ParseError } from './parser-state';
import type { SyntaxElement, SyntaxNode } from './syntax';
import type { Token } from './tokens';

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
    root = p.root(children);
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

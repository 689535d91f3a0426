/**
 * The pipe operators of current Nix (2.24+, experimental feature pipe-operators): `a |> f |> g`
 * (left-associative) and `g <| f <| a` (right-associative), weaker than every other operator and
 * never mixed without parentheses. Nix 2.8 has neither: each use gets a 'pipe-operator' diagnostic.
 */
import { parseOp, pushExpr } from './parse-expr';
import type { ParserState } from './parser-state';
import type { SyntaxElement, SyntaxNode } from './syntax';

/**
 * Current Nix: `a |> f |> g` (left) and `g <| f <| a` (right), below every other operator, never
 * mixed. Nix 2.8 has neither; each use gets a 'pipe-operator' diagnostic.
 */
export function parsePipes(p: ParserState): SyntaxNode | undefined {
  const first = parseOp(p, 0);
  const op = p.peek();
  if (first === undefined || (op !== '|>' && op !== '<|')) return first;
  if (op === '<|') return parsePipeFrom(p, first);
  let left = first;
  while (p.peek() === '|>') left = pipeInto(p, left);
  if (p.peek() === '<|') p.unexpected('end of the expression: `|>` and `<|` do not mix without parentheses');
  return left;
}

function parsePipeFrom(p: ParserState, left: SyntaxNode): SyntaxNode {
  const ch: SyntaxElement[] = [left];
  notePipe(p);
  p.bump(ch);
  const right = parseOp(p, 0);
  if (right !== undefined && p.peek() === '<|') ch.push(parsePipeFrom(p, right));
  else pushExpr(p, ch, right);
  if (p.peek() === '|>') p.unexpected('end of the expression: `|>` and `<|` do not mix without parentheses');
  return p.node('BinaryOp', ch);
}

function pipeInto(p: ParserState, left: SyntaxNode): SyntaxNode {
  const ch: SyntaxElement[] = [left];
  notePipe(p);
  p.bump(ch);
  pushExpr(p, ch, parseOp(p, 0));
  return p.node('BinaryOp', ch);
}

function notePipe(p: ParserState): void {
  const token = p.current();
  p.report(
    'pipe-operator',
    `The pipe operator '${p.text.slice(token.start, token.end)}' needs the pipe-operators experimental feature (Nix 2.24 or later with "experimental-features = pipe-operators").`,
    token.start,
    token.end,
  );
}


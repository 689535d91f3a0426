/**
 * Expressions, after Nix's grammar (src/libexpr/parser.y): expr_function, expr_if, the pipe
 * operators of current Nix, expr_op with bison's precedences, expr_app, expr_select and
 * expr_simple. The parser stops at the same token as Nix's for every syntax error, so that the
 * first error we report is the one Nix reports.
 */
import { parseAttrPath, parseAttrSet, parseFormalsLambda, parseLetIn, startsFormals } from './parse-binds';
import { parsePipes } from './parse-pipes';
import { parseIndString, parsePath, parseString } from './parse-strings';
import type { ParserState } from './parser-state';
import type { SyntaxElement, SyntaxNode } from './syntax';
import type { TokenKind } from './tokens';

/** Binary operator precedence, lowest first, as parser.y's %left/%right/%nonassoc lines. */
const Level = {
  Impl: 1,
  Or: 2,
  And: 3,
  Eq: 4,
  Cmp: 5,
  Update: 6,
  Not: 7,
  Add: 8,
  Mul: 9,
  Concat: 10,
  HasAttr: 11,
  Negate: 12,
} as const;

const enum Assoc {
  Left,
  Right,
  None,
}

function binary(kind: TokenKind): { level: number; assoc: Assoc } | undefined {
  switch (kind) {
    case '->':
      return { level: Level.Impl, assoc: Assoc.Right };
    case '||':
      return { level: Level.Or, assoc: Assoc.Left };
    case '&&':
      return { level: Level.And, assoc: Assoc.Left };
    case '==':
    case '!=':
      return { level: Level.Eq, assoc: Assoc.None };
    case '<':
    case '>':
    case '<=':
    case '>=':
      return { level: Level.Cmp, assoc: Assoc.None };
    case '//':
      return { level: Level.Update, assoc: Assoc.Right };
    case '+':
    case '-':
      return { level: Level.Add, assoc: Assoc.Left };
    case '*':
    case '/':
      return { level: Level.Mul, assoc: Assoc.Left };
    case '++':
      return { level: Level.Concat, assoc: Assoc.Right };
    case '?':
      return { level: Level.HasAttr, assoc: Assoc.Left };
    default:
      return undefined;
  }
}

const EXPECTED_EXPRESSION = 'an expression';

/** Tokens that can start an expr_select: the arguments of an application and list elements. */
export function startsSelect(kind: TokenKind): boolean {
  switch (kind) {
    case 'ID':
    case 'INT':
    case 'FLOAT':
    case '"':
    case 'IND_STRING_OPEN':
    case 'PATH':
    case 'HPATH':
    case 'SPATH':
    case 'URI':
    case '(':
    case 'let':
    case 'rec':
    case '{':
    case '[':
      return true;
    default:
      return false;
  }
}

/** expr: a whole expression, lambdas and `let … in` included. undefined when none starts here. */
export function parseExpr(p: ParserState): SyntaxNode | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseFunction(p);
  } finally {
    p.leave();
  }
}

/** expr_function */
function parseFunction(p: ParserState): SyntaxNode | undefined {
  switch (p.peek()) {
    case 'ID': {
      const next = p.peek(1);
      if (next === ':' || next === '@') return parseIdLambda(p);
      return parseIf(p);
    }
    case '{':
      return startsFormals(p) ? parseFormalsLambda(p) : parseIf(p);
    case 'assert':
    case 'with': {
      const kind = p.peek() === 'assert' ? 'Assert' : 'With';
      const ch: SyntaxElement[] = [];
      p.bump(ch);
      pushExpr(p, ch, parseExpr(p));
      if (p.expect(';', ch)) pushExpr(p, ch, parseExpr(p));
      return p.node(kind, ch);
    }
    case 'let':
      return p.peek(1) === '{' ? parseIf(p) : parseLetIn(p);
    default:
      return parseIf(p);
  }
}

/** Adds a sub-expression, or reports that one was expected here. */
export function pushExpr(p: ParserState, into: SyntaxElement[], expr: SyntaxNode | undefined): void {
  if (expr === undefined) p.unexpected(EXPECTED_EXPRESSION);
  else into.push(expr);
}

/** `x: body` and `x @ { formals }: body` */
function parseIdLambda(p: ParserState): SyntaxNode {
  const ch: SyntaxElement[] = [];
  p.bump(ch);
  if (p.peek() === '@') {
    p.bump(ch);
    if (p.peek() !== '{') {
      p.unexpected("'{'");
      return p.node('Lambda', ch);
    }
    return parseFormalsLambda(p, ch);
  }
  p.bump(ch); // ':'
  pushExpr(p, ch, parseExpr(p));
  return p.node('Lambda', ch);
}

function parseIf(p: ParserState): SyntaxNode | undefined {
  if (p.peek() !== 'if') return parsePipes(p);
  const ch: SyntaxElement[] = [];
  p.bump(ch);
  pushExpr(p, ch, parseExpr(p));
  if (p.expect('then', ch)) {
    pushExpr(p, ch, parseExpr(p));
    if (p.expect('else', ch)) pushExpr(p, ch, parseExpr(p));
  }
  return p.node('If', ch);
}

/** expr_op by precedence climbing; `minLevel` is the weakest operator this call may absorb. */
export function parseOp(p: ParserState, minLevel: number): SyntaxNode | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseOpInner(p, minLevel);
  } finally {
    p.leave();
  }
}

function parseOpInner(p: ParserState, minLevel: number): SyntaxNode | undefined {
  let left: SyntaxNode | undefined;
  const head = p.peek();
  if (head === '!' || head === '-') {
    // '!' binds looser than + - * / ++ ?, '-' tighter than everything (%prec NOT / NEGATE).
    const ch: SyntaxElement[] = [];
    p.bump(ch);
    pushExpr(p, ch, parseOp(p, head === '!' ? Level.Not + 1 : Level.Negate + 1));
    left = p.node('UnaryOp', ch);
  } else {
    left = parseApp(p);
    if (left === undefined) return undefined;
  }
  let lastNonAssoc: number = 0;
  for (;;) {
    const op = binary(p.peek());
    // After an error at this token, reading it as an operator would only be a guess.
    if (op === undefined || op.level < minLevel || p.erredHere()) return left;
    if (op.level === lastNonAssoc) {
      // %nonassoc: `a == b == c` and `a < b < c` are errors at the second operator.
      p.unexpected('end of the comparison: comparisons do not chain');
      return left;
    }
    const ch: SyntaxElement[] = [left];
    p.bump(ch);
    if (op.level === Level.HasAttr) {
      ch.push(parseAttrPath(p));
      left = p.node('HasAttr', ch);
      continue;
    }
    pushExpr(p, ch, parseOp(p, op.assoc === Assoc.Right ? op.level : op.level + 1));
    left = p.node('BinaryOp', ch);
    lastNonAssoc = op.assoc === Assoc.None ? op.level : 0;
  }
}

/** expr_app: `f a b` as `(f a) b`. */
function parseApp(p: ParserState): SyntaxNode | undefined {
  let left = parseSelect(p);
  if (left === undefined) return undefined;
  while (startsSelect(p.peek()) && !p.erredHere()) {
    const arg = parseSelect(p);
    if (arg === undefined) break;
    left = p.node('Apply', [left, arg]);
  }
  return left;
}

/** expr_select: `a.b.c`, `a.b or d`, and Nix's legacy `f or` (an application of f to `or`). */
export function parseSelect(p: ParserState): SyntaxNode | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseSelectInner(p);
  } finally {
    p.leave();
  }
}

function parseSelectInner(p: ParserState): SyntaxNode | undefined {
  const simple = parseSimple(p);
  if (simple === undefined) return undefined;
  if (p.peek() === '.') {
    const ch: SyntaxElement[] = [simple];
    p.bump(ch);
    ch.push(parseAttrPath(p));
    if (p.peek() === 'or') {
      p.bump(ch);
      pushExpr(p, ch, parseSelect(p));
    }
    return p.node('Select', ch);
  }
  if (p.peek() === 'or') {
    const orCh: SyntaxElement[] = [];
    p.bump(orCh);
    return p.node('Apply', [simple, p.node('Ident', orCh)]);
  }
  return simple;
}

/** expr_simple */
function parseSimple(p: ParserState): SyntaxNode | undefined {
  const ch: SyntaxElement[] = [];
  switch (p.peek()) {
    case 'ID':
      p.bump(ch);
      return p.node('Ident', ch);
    case 'INT':
    case 'FLOAT':
    case 'URI':
    case 'SPATH':
      p.bump(ch);
      return p.node('Literal', ch);
    case 'PATH':
    case 'HPATH':
      return parsePath(p);
    case '"':
      return parseString(p);
    case 'IND_STRING_OPEN':
      return parseIndString(p);
    case '(':
      p.bump(ch);
      pushExpr(p, ch, parseExpr(p));
      p.expect(')', ch);
      return p.node('Paren', ch);
    case '[':
      p.bump(ch);
      while (startsSelect(p.peek())) {
        const element = parseSelect(p);
        if (element === undefined) break;
        ch.push(element);
      }
      p.expect(']', ch, "']' or a list element");
      return p.node('List', ch);
    case 'rec':
      p.bump(ch);
      if (p.peek() !== '{') {
        p.unexpected("'{'");
        return p.node('AttrSet', ch);
      }
      return parseAttrSet(p, ch, 'AttrSet');
    case 'let':
      p.bump(ch);
      if (p.peek() !== '{') {
        p.unexpected("'{'");
        return p.node('LetAttrSet', ch);
      }
      return parseAttrSet(p, ch, 'LetAttrSet');
    case '{':
      return parseAttrSet(p, ch, 'AttrSet');
    default:
      return undefined;
  }
}

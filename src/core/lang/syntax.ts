/**
 * The concrete syntax tree. Every character of the text belongs to exactly one token, and every
 * token (trivia included) to exactly one node, so walking the leaves in order gives back the
 * text. A node's `start`/`end` are those of its first and last non-trivia token: whitespace and
 * comments around a node sit in its parent, between siblings.
 */
import type { Token } from './tokens';

export type NodeKind =
  /** The whole text: its one expression (or none, when the text is empty or broken) plus trivia. */
  | 'Root'
  /** `x: body`, `{ a, b ? 1, ... }: body`, `args@{ ... }: body`, `{ ... }@args: body` */
  | 'Lambda'
  /** `{ a, b ? 1, ... }` in a lambda head */
  | 'Formals'
  /** `a` or `b ? default` inside formals */
  | 'Formal'
  | 'Assert'
  | 'With'
  /** `let binds in body` */
  | 'LetIn'
  | 'If'
  /** `a OP b` for every binary operator, pipes included; the operator is the middle token. */
  | 'BinaryOp'
  /** `!a`, `-a` */
  | 'UnaryOp'
  /** `a ? b.c`: the right side is an AttrPath */
  | 'HasAttr'
  /** `f x`: two children, function and argument (`f x y` nests: `(f x) y`). */
  | 'Apply'
  /** `a.b.c` and `a.b.c or default` */
  | 'Select'
  /** A variable reference. Its one token is an ID, or `or` in Nix's legacy `f or` application. */
  | 'Ident'
  /** INT, FLOAT, URI, PATH without interpolation, HPATH, SPATH (`<nixpkgs>`) */
  | 'Literal'
  /** `"..."`: '"', STR and Interpolation children, '"' */
  | 'String'
  /** `''...''` */
  | 'IndString'
  /** `${ expr }` inside strings, paths and attribute paths */
  | 'Interpolation'
  /** A path with interpolations or pieces: `./a/${b}/c` */
  | 'Path'
  | 'Paren'
  /** `{ ... }` or `rec { ... }` */
  | 'AttrSet'
  /** Legacy `let { ...; body = ...; }` */
  | 'LetAttrSet'
  | 'List'
  /** `attrpath = value;` */
  | 'Binding'
  /** `inherit a b;` and `inherit (from) a b;` (the source is a Paren child) */
  | 'Inherit'
  /** `a.b."c".${d}`: Name, String and Interpolation children separated by '.' */
  | 'AttrPath'
  /** An attribute name written as an identifier (ID or `or`), in an AttrPath or an Inherit. */
  | 'Name'
  /** Tokens skipped while recovering from a syntax error. */
  | 'Error';

export interface SyntaxNode {
  readonly type: 'node';
  readonly kind: NodeKind;
  readonly start: number;
  readonly end: number;
  readonly children: readonly SyntaxElement[];
  /** undefined for the root */
  parent: SyntaxNode | undefined;
}

export type SyntaxToken = Token;

export type SyntaxElement = SyntaxNode | SyntaxToken;

export function isNode(element: SyntaxElement | undefined): element is SyntaxNode {
  return element?.type === 'node';
}

export function isToken(element: SyntaxElement | undefined): element is SyntaxToken {
  return element?.type === 'token';
}

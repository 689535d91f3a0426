/**
 * Small readers for expression shapes rules look at: a select chain as a list of names, an
 * application as function plus arguments, a lambda's parameters, a list's elements, the
 * value of a literal.
 */
import { attrName, stringValue, unparen } from './string-value';
import { isNode, type SyntaxNode, type SyntaxToken } from './syntax';

/**
 * `a.b.c` (or plain `a`) as ['a', 'b', 'c']; undefined when the base is not a variable or a
 * name is dynamic. `or` defaults are ignored: `a.b or x` gives ['a', 'b'].
 */
export function selectPath(node: SyntaxNode | undefined, text: string): string[] | undefined {
  const inner = unparen(node);
  if (inner === undefined) return undefined;
  if (inner.kind === 'Ident') return [text.slice(inner.start, inner.end)];
  if (inner.kind !== 'Select') return undefined;
  const parts = inner.children.filter(isNode);
  const base = selectPath(parts[0], text);
  const path = parts[1];
  if (base === undefined || path === undefined || path.kind !== 'AttrPath') return undefined;
  const names = path.children.filter(isNode).map((n) => attrName(n, text));
  if (names.some((n) => n === undefined)) return undefined;
  return [...base, ...names.filter((n): n is string => n !== undefined)];
}

/** `f a b` as { fn: f, args: [a, b] }; any other node as { fn: node, args: [] }. */
export function applyParts(node: SyntaxNode): { readonly fn: SyntaxNode; readonly args: SyntaxNode[] } {
  const args: SyntaxNode[] = [];
  let current = node;
  while (current.kind === 'Apply') {
    const [fn, arg] = current.children.filter(isNode);
    if (fn === undefined || arg === undefined) break;
    args.unshift(arg);
    current = fn;
  }
  return { fn: current, args };
}

export interface LambdaParams {
  /** `x` in `x: …`, or the `@` name of a pattern */
  readonly name: SyntaxToken | undefined;
  /** the Formal nodes of `{ a, b ? 1 }` (empty for `x: …`) */
  readonly formals: readonly { readonly name: string; readonly node: SyntaxNode; readonly default: SyntaxNode | undefined }[];
  readonly hasFormals: boolean;
  readonly ellipsis: boolean;
  readonly body: SyntaxNode | undefined;
}

export function lambdaParams(lambda: SyntaxNode, text: string): LambdaParams | undefined {
  if (lambda.kind !== 'Lambda') return undefined;
  const name = lambda.children.find((c): c is SyntaxToken => !isNode(c) && c.kind === 'ID');
  const formalsNode = lambda.children.find((c): c is SyntaxNode => isNode(c) && c.kind === 'Formals');
  const formals = (formalsNode?.children ?? []).filter((c): c is SyntaxNode => isNode(c) && c.kind === 'Formal').map((node) => {
    const id = node.children[0];
    return {
      name: id === undefined ? '' : text.slice(id.start, id.end),
      node,
      default: node.children.find(isNode),
    };
  });
  const nodes = lambda.children.filter(isNode);
  const body = nodes[nodes.length - 1] === formalsNode ? undefined : nodes[nodes.length - 1];
  return {
    name,
    formals,
    hasFormals: formalsNode !== undefined,
    ellipsis: formalsNode?.children.some((c) => !isNode(c) && c.kind === '...') ?? false,
    body,
  };
}

/** The elements of a list literal (parentheses around it ignored). */
export function listElements(node: SyntaxNode | undefined): SyntaxNode[] | undefined {
  const inner = unparen(node);
  return inner?.kind === 'List' ? inner.children.filter(isNode) : undefined;
}

/** The value of a string literal without interpolation (parentheses ignored). */
export function stringLiteral(node: SyntaxNode | undefined, text: string): string | undefined {
  const inner = unparen(node);
  return inner === undefined ? undefined : stringValue(inner, text);
}

/** The value of an integer literal, or of `-` applied to one. */
export function intLiteral(node: SyntaxNode | undefined, text: string): bigint | undefined {
  const inner = unparen(node);
  if (inner === undefined) return undefined;
  if (inner.kind === 'UnaryOp' && inner.children.some((c) => !isNode(c) && c.kind === '-')) {
    const value = intLiteral(inner.children.find(isNode), text);
    return value === undefined ? undefined : -value;
  }
  const token = inner.kind === 'Literal' ? inner.children.find((c) => !isNode(c) && c.kind === 'INT') : undefined;
  return token === undefined ? undefined : BigInt(text.slice(token.start, token.end));
}

/** The binding's value expression (a Binding node's right side). */
export function bindingValue(binding: SyntaxNode): SyntaxNode | undefined {
  return binding.children.find((c): c is SyntaxNode => isNode(c) && c.kind !== 'AttrPath' && c.kind !== 'Error');
}

/**
 * Small readings of expression nodes that rules share: strip what does not change a value
 * (parentheses, `lib.mkForce`…), read a literal string, spell out `a.b.c`, list elements.
 */
import { attrName, isNode, stringValue, unparen, type SyntaxNode } from '../../lang';

/** NixOS priority wrappers: `lib.mkForce x` has the value x as far as these rules care. */
const TRANSPARENT_FUNCTIONS: ReadonlySet<string> = new Set(['mkForce', 'mkDefault', 'mkOverride', 'mkBefore', 'mkAfter', 'mkOrder', 'mkIf']);

/** The significant child nodes of a node. */
export function childNodes(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter(isNode);
}

/** The `n`th child node (0-based; negative counts from the end), without building the list:
 * the tree index and the resolver ask this for every binding and select of a file. */
export function childNodeAt(node: SyntaxNode, n: number): SyntaxNode | undefined {
  const children = node.children;
  if (n >= 0) {
    for (let i = 0, seen = 0; i < children.length; i++) {
      const child = children[i];
      if (child !== undefined && child.type === 'node' && seen++ === n) return child;
    }
    return undefined;
  }
  for (let i = children.length - 1, seen = -1; i >= 0; i--) {
    const child = children[i];
    if (child !== undefined && child.type === 'node' && seen-- === n) return child;
  }
  return undefined;
}

/** The value of a Binding node (the expression after `=`). */
export function bindingValue(binding: SyntaxNode): SyntaxNode | undefined {
  for (const c of binding.children) if (c.type === 'node' && c.kind !== 'AttrPath' && c.kind !== 'Error') return c;
  return undefined;
}

/** The attribute path of a Binding node. */
export function bindingAttrPath(binding: SyntaxNode): SyntaxNode | undefined {
  for (const c of binding.children) if (c.type === 'node' && c.kind === 'AttrPath') return c;
  return undefined;
}

/** The function and arguments of `f a b` (Apply nests to the left). */
export function applyParts(node: SyntaxNode): { fn: SyntaxNode; args: SyntaxNode[] } | undefined {
  if (node.kind !== 'Apply') return undefined;
  const args: SyntaxNode[] = [];
  let current: SyntaxNode | undefined = node;
  while (current?.kind === 'Apply') {
    const [fn, arg] = childNodes(current);
    if (fn === undefined || arg === undefined) return undefined;
    args.unshift(arg);
    current = unparen(fn);
  }
  return current === undefined ? undefined : { fn: current, args };
}

/** The function of `f a b` without collecting the arguments (a cheap filter before applyParts). */
export function applyFunction(node: SyntaxNode): SyntaxNode | undefined {
  let current: SyntaxNode | undefined = node;
  while (current?.kind === 'Apply') current = unparen(current.children.find(isNode));
  return current;
}

/**
 * Strips parentheses and the module system's priority wrappers (`lib.mkForce x`,
 * `mkIf cond x`): what remains is the value the option gets.
 */
export function unwrapValue(node: SyntaxNode | undefined, text: string): SyntaxNode | undefined {
  let current = unparen(node);
  for (let guard = 0; current !== undefined && guard < 16; guard++) {
    const parts = applyParts(current);
    if (parts === undefined) break;
    const name = lastName(parts.fn, text);
    const last = parts.args[parts.args.length - 1];
    if (name === undefined || !TRANSPARENT_FUNCTIONS.has(name) || last === undefined) break;
    current = unparen(last);
  }
  return current;
}

/** `a.b.c` as its root expression and static names; `undefined` names are interpolations. */
export interface SelectPath {
  readonly root: SyntaxNode;
  readonly names: readonly (string | undefined)[];
  readonly nameNodes: readonly SyntaxNode[];
  /** True when the select has an `or` default. */
  readonly hasDefault: boolean;
}

export function selectPath(node: SyntaxNode, text: string): SelectPath | undefined {
  if (node.kind !== 'Select') return undefined;
  const [root, path] = childNodes(node);
  if (root === undefined || path?.kind !== 'AttrPath') return undefined;
  const nameNodes = childNodes(path);
  return {
    root,
    names: nameNodes.map((n) => attrName(n, text)),
    nameNodes,
    hasDefault: node.children.some((c) => !isNode(c) && c.kind === 'or'),
  };
}

/** The identifier an Ident node names. */
export function identName(node: SyntaxNode, text: string): string | undefined {
  if (node.kind !== 'Ident') return undefined;
  const token = node.children.find((c) => !isNode(c));
  return token === undefined ? undefined : text.slice(token.start, token.end);
}

/** The last static name of an Ident or Select (`lib.nixosSystem` → nixosSystem). */
export function lastName(node: SyntaxNode, text: string): string | undefined {
  if (node.kind === 'Ident') return identName(node, text);
  if (node.kind !== 'Select') return undefined;
  const path = childNodeAt(node, 1);
  const last = path === undefined ? undefined : childNodeAt(path, -1);
  return last === undefined ? undefined : attrName(last, text);
}

/** A dotted spelling of an Ident or Select with static names: `pkgs.linuxKernel.packages.linux_rpi2`. */
export function dottedName(node: SyntaxNode, text: string): string[] | undefined {
  const n = unparen(node);
  if (n === undefined) return undefined;
  if (n.kind === 'Ident') {
    const name = identName(n, text);
    return name === undefined ? undefined : [name];
  }
  const sel = selectPath(n, text);
  if (sel === undefined || sel.hasDefault) return undefined;
  const head = dottedName(sel.root, text);
  if (head === undefined || sel.names.some((x) => x === undefined)) return undefined;
  return [...head, ...(sel.names as string[])];
}

/** The literal value of a string node without interpolation. */
export function literalString(node: SyntaxNode | undefined, text: string): string | undefined {
  const n = unparen(node);
  if (n === undefined) return undefined;
  return stringValue(n, text);
}

/** The range of a plain `"…"` string's content (inside the quotes), when it has one piece. */
export function stringContentRange(node: SyntaxNode): { start: number; end: number } | undefined {
  if (node.kind !== 'String') return undefined;
  const pieces = node.children.filter((c) => isNode(c) || c.kind === 'STR');
  const only = pieces[0];
  if (pieces.length === 0) return { start: node.start + 1, end: node.start + 1 };
  if (pieces.length !== 1 || only === undefined || isNode(only)) return undefined;
  return { start: only.start, end: only.end };
}

/**
 * The elements of a list expression: through parentheses, `with x; [ … ]`, `a ++ b` and
 * priority wrappers. `complete` is false when part of the value is not a literal list.
 */
export function listElements(node: SyntaxNode | undefined, text: string): { elements: SyntaxNode[]; complete: boolean } {
  const out: SyntaxNode[] = [];
  let complete = true;
  const visit = (n: SyntaxNode | undefined, depth: number): void => {
    const v = unwrapValue(n, text);
    if (v === undefined || depth > 32) {
      complete = false;
      return;
    }
    if (v.kind === 'List') out.push(...childNodes(v));
    else if (v.kind === 'With') visit(childNodes(v)[1], depth + 1);
    else if (v.kind === 'BinaryOp' && v.children.some((c) => !isNode(c) && c.kind === '++')) {
      for (const side of childNodes(v)) visit(side, depth + 1);
    } else complete = false;
  };
  visit(node, 0);
  return { elements: out, complete };
}

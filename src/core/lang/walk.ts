/**
 * Walking the tree without recursion (left-nested chains like `a + b + …` can be deeper than
 * the call stack), and finding what is at an offset.
 */
import { isNode, type SyntaxElement, type SyntaxNode, type SyntaxToken } from './syntax';

export interface Visitor {
  /** Return false to skip the node's children. */
  enter?(node: SyntaxNode): boolean | void;
  leave?(node: SyntaxNode): void;
}

export function walk(root: SyntaxNode, visitor: Visitor): void {
  const stack: { node: SyntaxNode; left: boolean }[] = [{ node: root, left: false }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    if (top.left) {
      visitor.leave?.(top.node);
      continue;
    }
    const descend = visitor.enter?.(top.node) !== false;
    stack.push({ node: top.node, left: true });
    if (!descend) continue;
    const children = top.node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (isNode(child)) stack.push({ node: child, left: false });
    }
  }
}

/** Every node under `root` (itself included), in document order. */
export function descendants(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walk(root, { enter: (node) => void out.push(node) });
  return out;
}

/** The node's child nodes, trivia and tokens left out. */
export function childNodes(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter(isNode);
}

/** The node's first child token of `kind`, if any. */
export function childToken(node: SyntaxNode, kind: SyntaxToken['kind']): SyntaxToken | undefined {
  for (const child of node.children) if (!isNode(child) && child.kind === kind) return child;
  return undefined;
}

/** The innermost node whose range contains `offset` (ends included, so a cursor after a word finds it). */
export function nodeAt(root: SyntaxNode, offset: number): SyntaxNode {
  let current = root;
  for (;;) {
    const next = current.children.find((c): c is SyntaxNode => isNode(c) && c.start <= offset && offset <= c.end && c.end > c.start);
    if (next === undefined) return current;
    current = next;
  }
}

/** The token (trivia included) that covers `offset`; at a boundary, the one that starts there. */
export function tokenAt(root: SyntaxNode, offset: number): SyntaxToken | undefined {
  let current: SyntaxElement = root;
  while (isNode(current)) {
    const children: readonly SyntaxElement[] = current.children;
    const next: SyntaxElement | undefined = children.find((c) => c.start <= offset && offset < c.end) ?? children.find((c) => c.start <= offset && offset <= c.end && c.end > c.start);
    if (next === undefined) return undefined;
    current = next;
  }
  return current;
}

/** The node's text. */
export function textOf(element: SyntaxElement, text: string): string {
  return text.slice(element.start, element.end);
}

/** A compact text form of a tree for assertions: `(BinaryOp a + (BinaryOp b * c))`. */
import { isNode, isTrivia, parse, type SyntaxNode } from '../../../../src/core/lang';

export function show(node: SyntaxNode, text: string): string {
  if (node.kind === 'Ident' || node.kind === 'Literal' || node.kind === 'Name') return text.slice(node.start, node.end);
  const parts = node.children.filter((c) => isNode(c) || !isTrivia(c.kind)).map((c) => (isNode(c) ? show(c, text) : text.slice(c.start, c.end)));
  return `(${node.kind} ${parts.join(' ')})`;
}

/** The tree of `text`'s expression, asserting nothing; errors are returned alongside. */
export function tree(text: string): { shown: string; errors: string[] } {
  const result = parse(text);
  const expr = result.root.children.find(isNode);
  return { shown: expr === undefined ? '' : show(expr, text), errors: result.errors.map((e) => `${e.code}@${e.start}`) };
}

/** The tree of a text that must parse without errors. */
export function valid(text: string): string {
  const { shown, errors } = tree(text);
  if (errors.length > 0) throw new Error(`${JSON.stringify(text)} has errors: ${errors.join(', ')}`);
  return shown;
}

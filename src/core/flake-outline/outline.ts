/**
 * An outline of a flake.nix: description, inputs and the attribute tree that `outputs` returns,
 * with ranges. It serves document symbols (the editor's outline) and code lenses over buildable
 * outputs and deploy nodes. It reads the text only: outputs built by functions it cannot see
 * through are left out, never guessed. `flake-utils.lib.eachSystem … (system: { … })` is seen
 * through: its outputs are per system, shown with the system as `<system>`.
 */
import { attrName, isNode, unparen, type SyntaxNode } from '../lang';

export interface OutlineNode {
  readonly name: string;
  /** The full attribute path from the flake's outputs (or from the flake for inputs). */
  readonly path: readonly string[];
  /** The whole binding (or the part of a dotted binding that makes this node). */
  readonly start: number;
  readonly end: number;
  /** The attribute name itself: where a code lens or a symbol's selection goes. */
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly children: OutlineNode[];
}

export interface FlakeOutline {
  readonly description: { readonly value: string; readonly start: number; readonly end: number } | undefined;
  readonly inputs: readonly OutlineNode[];
  readonly outputs: readonly OutlineNode[];
  /** The `outputs = …` binding's name, for a lens or symbol on the whole thing. */
  readonly outputsBinding: { readonly start: number; readonly end: number; readonly nameStart: number; readonly nameEnd: number } | undefined;
}

export const PER_SYSTEM = '<system>';
const MAX_DEPTH = 4;

function childNodes(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter(isNode);
}

/** The value an expression evaluates to, looking through let, with, parentheses and lambdas. */
function bodyOf(node: SyntaxNode | undefined): SyntaxNode | undefined {
  let current = unparen(node);
  for (let guard = 0; current !== undefined && guard < 16; guard++) {
    if (current.kind === 'LetIn' || current.kind === 'With' || current.kind === 'Assert' || current.kind === 'Lambda') {
      current = unparen(childNodes(current).at(-1));
    } else return current;
  }
  return current;
}

/** The attribute sets an expression's value is made of: a set, both sides of `//`, or the
 * per-system function given to an eachSystem-style helper. */
function attrSetsOf(node: SyntaxNode | undefined, text: string): { set: SyntaxNode; perSystem: boolean }[] {
  const body = bodyOf(node);
  if (body === undefined) return [];
  if (body.kind === 'AttrSet') return [{ set: body, perSystem: false }];
  if (body.kind === 'BinaryOp' && body.children.some((c) => !isNode(c) && text.slice(c.start, c.end) === '//')) {
    return childNodes(body).flatMap((side) => attrSetsOf(side, text));
  }
  if (body.kind === 'Apply') {
    const fn = childNodes(body)[1];
    const lambda = unparen(fn);
    if (lambda?.kind === 'Lambda') return attrSetsOf(lambda, text).map((s) => ({ ...s, perSystem: true }));
  }
  return [];
}

function bindingPath(binding: SyntaxNode, text: string): { names: string[]; parts: SyntaxNode[] } | undefined {
  const path = childNodes(binding).find((c) => c.kind === 'AttrPath');
  if (path === undefined) return undefined;
  const parts = childNodes(path);
  const names: string[] = [];
  for (const part of parts) {
    const name = attrName(part, text);
    if (name === undefined) return undefined; // a dynamic name: not knowable from the text
    names.push(name);
  }
  return { names, parts };
}

function addPath(target: OutlineNode[], prefix: readonly string[], binding: SyntaxNode, text: string): void {
  const path = bindingPath(binding, text);
  if (path === undefined) return;
  let level = target;
  let fullPath = [...prefix];
  path.names.forEach((name, i) => {
    const part = path.parts[i];
    if (part === undefined) return;
    fullPath = [...fullPath, name];
    let node = level.find((n) => n.name === name);
    if (node === undefined) {
      node = { name, path: fullPath, start: binding.start, end: binding.end, nameStart: part.start, nameEnd: part.end, children: [] };
      level.push(node);
    }
    if (i === path.names.length - 1 && fullPath.length < MAX_DEPTH) {
      const value = childNodes(binding).at(-1);
      for (const { set } of attrSetsOf(value, text)) {
        for (const inner of childNodes(set)) if (inner.kind === 'Binding') addPath(node.children, fullPath, inner, text);
      }
    }
    level = node.children;
  });
}

export function flakeOutline(root: SyntaxNode, text: string): FlakeOutline {
  const top = attrSetsOf(childNodes(root)[0], text)[0]?.set;
  const outline: { description: FlakeOutline['description']; inputs: OutlineNode[]; outputs: OutlineNode[]; outputsBinding: FlakeOutline['outputsBinding'] } = {
    description: undefined,
    inputs: [],
    outputs: [],
    outputsBinding: undefined,
  };
  if (top === undefined) return outline;
  for (const binding of childNodes(top).filter((c) => c.kind === 'Binding')) {
    const path = bindingPath(binding, text);
    const first = path?.names[0];
    const value = childNodes(binding).at(-1);
    if (first === 'description' && value !== undefined && (value.kind === 'String' || value.kind === 'IndString')) {
      const raw = text.slice(value.start + 1, value.end - 1);
      outline.description = { value: raw, start: value.start, end: value.end };
    } else if (first === 'inputs') {
      addPath(outline.inputs, [], binding, text);
    } else if (first === 'outputs' && path !== undefined && path.names.length === 1) {
      const part = path.parts[0];
      if (part !== undefined) outline.outputsBinding = { start: binding.start, end: binding.end, nameStart: part.start, nameEnd: part.end };
      for (const { set, perSystem } of attrSetsOf(value, text)) {
        for (const inner of childNodes(set).filter((c) => c.kind === 'Binding')) {
          if (!perSystem) {
            addPath(outline.outputs, [], inner, text);
            continue;
          }
          // eachSystem: `packages.foo` inside the function is `packages.<system>.foo` outside.
          const perSystemOutputs: OutlineNode[] = [];
          addPath(perSystemOutputs, [], inner, text);
          for (const node of perSystemOutputs) outline.outputs.push(insertSystem(node));
        }
      }
    }
  }
  // `inputs = { … }` and `inputs.x.url = …` both give inputs.<name>: list the names.
  const inputsNode = outline.inputs.find((n) => n.name === 'inputs');
  return { ...outline, inputs: inputsNode?.children ?? [] };
}

function insertSystem(node: OutlineNode): OutlineNode {
  const shift = (n: OutlineNode): OutlineNode => ({ ...n, path: [n.path[0] ?? '', PER_SYSTEM, ...n.path.slice(1)], children: n.children.map(shift) });
  return { ...node, children: [{ ...node, name: PER_SYSTEM, path: [node.name, PER_SYSTEM], children: node.children.map(shift) }] };
}

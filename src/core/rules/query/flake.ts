/**
 * The shape of a flake as written: its top-level set, declared inputs, the `outputs` function
 * and the sets whose attributes are outputs (the outputs body, and the per-system bodies of
 * flake-utils' eachSystem / eachDefaultSystem).
 */
import { isNode, unparen, type SyntaxNode } from '../../lang';
import type { BindingInfo, TreeIndex } from './tree-index';
import { applyParts, childNodes, lastName } from './values';

export interface FlakeInput {
  readonly name: string;
  /** The first binding that declares it. */
  readonly binding: BindingInfo;
}

export interface OutputRoot {
  readonly set: SyntaxNode;
  /** True inside eachSystem-style functions: there `packages.default` means packages.<system>.default. */
  readonly perSystem: boolean;
}

export interface FlakeModel {
  readonly top: SyntaxNode;
  readonly inputs: ReadonlyMap<string, FlakeInput>;
  /** Bindings of the top set under `inputs`. */
  readonly inputBindings: readonly BindingInfo[];
  readonly outputsBinding: BindingInfo | undefined;
  readonly outputsLambda: SyntaxNode | undefined;
  /** The set `self` stands for, when the outputs body is (or starts with) a literal set. */
  readonly selfSet: SyntaxNode | undefined;
  readonly outputRoots: readonly OutputRoot[];
}

/** Functions of flake-utils (and look-alikes) whose lambda body is a per-system output set. */
const EACH_SYSTEM: ReadonlySet<string> = new Set(['eachSystem', 'eachDefaultSystem', 'eachSystemPassThrough', 'eachDefaultSystemPassThrough']);


/** The flake model of a file whose top expression is a set with `outputs` or `inputs`. */
export function flakeModelOf(index: TreeIndex, root: SyntaxNode): FlakeModel | undefined {
  const top = unparen(root.children.find(isNode));
  if (top?.kind !== 'AttrSet') return undefined;
  const members = index.bindingsUnder(top);
  const inputBindings = members.filter((b) => b.path[0]?.name === 'inputs' && b.path.length >= 2);
  const outputsBinding = members.find((b) => b.path.length === 1 && b.path[0]?.name === 'outputs');
  if (outputsBinding === undefined && inputBindings.length === 0) return undefined;
  const inputs = new Map<string, FlakeInput>();
  for (const b of inputBindings) {
    const name = b.path[1]?.name;
    if (name !== undefined && !inputs.has(name)) inputs.set(name, { name, binding: b });
  }
  const lambda = unparen(outputsBinding?.value);
  const outputsLambda = lambda?.kind === 'Lambda' ? lambda : undefined;
  const body = outputsLambda === undefined ? undefined : lambdaBody(outputsLambda);
  const outputRoots: OutputRoot[] = [];
  const selfSet = collectRoots(body, index.text, outputRoots, false, 0);
  return { top, inputs, inputBindings, outputsBinding, outputsLambda, selfSet, outputRoots };
}

/** The body of a lambda, through `let … in` and parentheses. */
export function lambdaBody(lambda: SyntaxNode): SyntaxNode | undefined {
  let body = unparen(childNodes(lambda).filter((c) => c.kind !== 'Formals').at(-1));
  for (let guard = 0; body?.kind === 'LetIn' && guard < 16; guard++) body = unparen(childNodes(body).at(-1));
  return body;
}

/** Collects output sets in `node`; returns the first literal set (what `self` mostly is). */
function collectRoots(node: SyntaxNode | undefined, text: string, out: OutputRoot[], perSystem: boolean, depth: number): SyntaxNode | undefined {
  let n = unparen(node);
  for (let guard = 0; n?.kind === 'LetIn' && guard < 16; guard++) n = unparen(childNodes(n).at(-1));
  if (n === undefined || depth > 8) return undefined;
  if (n.kind === 'AttrSet') {
    out.push({ set: n, perSystem });
    return n;
  }
  if (n.kind === 'BinaryOp' && n.children.some((c) => !isNode(c) && c.kind === '//')) {
    let first: SyntaxNode | undefined;
    for (const side of childNodes(n)) first ??= collectRoots(side, text, out, perSystem, depth + 1);
    return first;
  }
  const parts = applyParts(n);
  const name = parts === undefined ? undefined : lastName(parts.fn, text);
  if (parts !== undefined && name !== undefined && EACH_SYSTEM.has(name)) {
    const fn = unparen(parts.args[parts.args.length - 1]);
    if (fn?.kind === 'Lambda') collectRoots(lambdaBody(fn), text, out, !name.endsWith('PassThrough'), depth + 1);
  }
  return undefined;
}

/** The names an `outputs` lambda destructures, with their Formal nodes. */
export function outputsFormals(lambda: SyntaxNode, text: string): { name: string; node: SyntaxNode; hasDefault: boolean }[] {
  const formals = childNodes(lambda).find((c) => c.kind === 'Formals');
  if (formals === undefined) return [];
  const out: { name: string; node: SyntaxNode; hasDefault: boolean }[] = [];
  for (const formal of childNodes(formals)) {
    if (formal.kind !== 'Formal') continue;
    const id = formal.children[0];
    if (id === undefined || isNode(id)) continue;
    out.push({ name: text.slice(id.start, id.end), node: formal, hasDefault: formal.children.some((c) => !isNode(c) && c.kind === '?') });
  }
  return out;
}

/** The name the `@` pattern gives the outputs argument set (`inputs@{ … }`), if any. */
export function outputsArgName(lambda: SyntaxNode, text: string): string | undefined {
  const id = lambda.children.find((c) => !isNode(c) && c.kind === 'ID');
  return id === undefined ? undefined : text.slice(id.start, id.end);
}


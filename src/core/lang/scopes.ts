/**
 * Name resolution, as Nix 2.8's `bindVars` does it after parsing:
 * - `let` and `rec { }` (and legacy `let { }`) bind their top-level attribute names for all
 *   their values and dynamic names; a plain `inherit x` there looks x up *outside*, while
 *   `inherit (e) x` evaluates e inside.
 * - a lambda binds its argument name and formals, for the defaults and the body.
 * - `with e; body`: e is outside; in body a name no enclosing binding (nor Nix's base
 *   environment) defines comes from the `with`, so it is never undefined. A lexical binding,
 *   builtins included, always wins over `with`.
 * - anything else is "undefined variable", which Nix reports before evaluating anything.
 */
import { isGlobalName } from './builtins';
import { attrName } from './string-value';
import { isNode, type SyntaxNode } from './syntax';

export type BindingKind = 'let' | 'rec' | 'lambda' | 'formal' | 'inherit';

export interface Binding {
  readonly name: string;
  readonly kind: BindingKind;
  /** The node that names it: a Name (first of an attribute path or in an inherit), a Formal,
   * or the Lambda whose identifier argument (or `@` name) it is. */
  readonly node: SyntaxNode;
  /** The range of the name itself. */
  readonly start: number;
  readonly end: number;
  /** The node that opens the scope (LetIn, AttrSet, LetAttrSet, Lambda). */
  readonly scope: SyntaxNode;
  readonly references: Reference[];
}

export type Resolution =
  | { readonly kind: 'binding'; readonly binding: Binding }
  | { readonly kind: 'builtin' }
  /** Not bound lexically, but inside `with`: the innermost With node. */
  | { readonly kind: 'with'; readonly with: SyntaxNode }
  | { readonly kind: 'undefined' };

export interface Reference {
  readonly name: string;
  /** An Ident node, or the Name node of a plain `inherit` (which reads the variable). */
  readonly node: SyntaxNode;
  readonly resolution: Resolution;
}

export interface ScopeInfo {
  readonly bindings: readonly Binding[];
  readonly references: readonly Reference[];
  readonly undefinedReferences: readonly Reference[];
  /** The reference an Ident (or inherit Name) node makes, if any. */
  referenceOf(node: SyntaxNode): Reference | undefined;
}

interface Scope {
  readonly names: ReadonlyMap<string, Binding> | undefined;
  /** set for a `with` scope */
  readonly with: SyntaxNode | undefined;
  readonly parent: Scope | undefined;
}

const ROOT_SCOPE: Scope = { names: undefined, with: undefined, parent: undefined };

/** Resolutions without a payload are shared: a file has thousands of builtin references. */
const BUILTIN: Resolution = { kind: 'builtin' };
const UNDEFINED: Resolution = { kind: 'undefined' };

/** Resolves every variable of a parsed text (`parse(text)`'s result). */
export function resolveScopes(parsed: { readonly root: SyntaxNode; readonly text: string }): ScopeInfo {
  const { root, text } = parsed;
  const bindings: Binding[] = [];
  const references: Reference[] = [];
  const byNode = new Map<SyntaxNode, Reference>();
  // Parallel stacks of nodes and their scopes, iteratively: chains like `a + b + …` nest deeply.
  const nodes: SyntaxNode[] = [root];
  const scopes: Scope[] = [ROOT_SCOPE];

  const reference = (node: SyntaxNode, name: string, scope: Scope): void => {
    const resolution = resolve(name, scope);
    const ref: Reference = { name, node, resolution };
    references.push(ref);
    byNode.set(node, ref);
    if (resolution.kind === 'binding') resolution.binding.references.push(ref);
  };
  const visit = (node: SyntaxNode | undefined, scope: Scope): void => {
    if (node === undefined) return;
    nodes.push(node);
    scopes.push(scope);
  };
  const visitChildren = (node: SyntaxNode, scope: Scope): void => {
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined && child.type === 'node') {
        nodes.push(child);
        scopes.push(scope);
      }
    }
  };

  for (;;) {
    const node = nodes.pop();
    const scope = scopes.pop();
    if (node === undefined || scope === undefined) break;
    switch (node.kind) {
      case 'Ident': {
        // An Ident holds exactly its one token.
        const name = text.slice(node.start, node.end);
        // `__curPos` is a position literal, not a variable.
        if (name !== '__curPos') reference(node, name, scope);
        break;
      }
      case 'Lambda': {
        const names = new Map<string, Binding>();
        const inner: Scope = { names, with: undefined, parent: scope };
        for (const child of node.children) {
          if (!isNode(child)) {
            if (child.kind === 'ID') {
              const binding = makeBinding(text.slice(child.start, child.end), 'lambda', node, child, node);
              names.set(binding.name, binding);
              bindings.push(binding);
            }
            continue;
          }
          if (child.kind !== 'Formals') continue;
          for (const formal of child.children) {
            if (!isNode(formal) || formal.kind !== 'Formal') continue;
            const id = formal.children[0];
            if (id === undefined || isNode(id)) continue;
            const binding = makeBinding(text.slice(id.start, id.end), 'formal', formal, id, node);
            if (!names.has(binding.name)) names.set(binding.name, binding);
            bindings.push(binding);
          }
        }
        visitChildren(node, inner);
        // Formals' defaults see the new scope too: visitChildren reaches them through Formals.
        break;
      }
      case 'LetIn':
      case 'LetAttrSet':
      case 'AttrSet': {
        // `rec` is the first token of a rec set.
        const head = node.children[0];
        const recursive = node.kind !== 'AttrSet' || (head !== undefined && head.type === 'token' && head.kind === 'rec');
        if (!recursive) {
          visitSetMembers(node, scope, scope);
          break;
        }
        // No closure here: one capturing `node` would make V8 allocate a context for every node visited.
        const names = new Map<string, Binding>();
        for (const member of node.children) if (isNode(member)) defineNames(node, member, text, names, bindings);
        visitSetMembers(node, { names, with: undefined, parent: scope }, scope);
        break;
      }
      case 'With': {
        const parts = node.children.filter(isNode);
        visit(parts[1], { names: undefined, with: node, parent: scope });
        visit(parts[0], scope);
        for (const extra of parts.slice(2)) visit(extra, scope);
        break;
      }
      case 'Inherit':
        // Reached only through visitSetMembers, which handles it.
        break;
      default:
        visitChildren(node, scope);
    }
  }

  function visitSetMembers(set: SyntaxNode, inner: Scope, outer: Scope): void {
    for (let i = set.children.length - 1; i >= 0; i--) {
      const member = set.children[i];
      if (!isNode(member)) continue;
      if (member.kind !== 'Inherit') {
        visit(member, inner);
        continue;
      }
      const source = member.children.find((c): c is SyntaxNode => isNode(c) && c.kind === 'Paren');
      if (source !== undefined) {
        // `inherit (e) a b`: e is evaluated in the set's own scope (Nix 2.8); names are selected from it.
        visit(source, inner);
        for (const name of member.children) if (isNode(name) && name !== source && name.kind !== 'Name') visit(name, inner);
        continue;
      }
      for (const name of member.children) {
        if (!isNode(name)) continue;
        const value = name.kind === 'Error' ? undefined : attrName(name, text);
        if (value !== undefined) reference(name, value, outer);
        else visit(name, outer);
      }
    }
  }

  const undefinedReferences = references.filter((r) => r.resolution.kind === 'undefined');
  return { bindings, references, undefinedReferences, referenceOf: (node) => byNode.get(node) };
}

function makeBinding(name: string, kind: BindingKind, node: SyntaxNode, range: { start: number; end: number }, scope: SyntaxNode): Binding {
  return { name, kind, node, start: range.start, end: range.end, scope, references: [] };
}

/** Binds, in `scope`'s `names`, the names a member of it defines at its top level (the first
 * name of a binding's path, each name of an inherit); the first definition of a name wins. No
 * list per member: rec sets and lets of large files have tens of thousands of them. */
function defineNames(scope: SyntaxNode, member: SyntaxNode, text: string, names: Map<string, Binding>, bindings: Binding[]): void {
  const define = (name: string, site: SyntaxNode, inherit: boolean): void => {
    if (names.has(name)) return;
    const binding = makeBinding(name, inherit ? 'inherit' : scope.kind === 'LetIn' ? 'let' : 'rec', site, site, scope);
    names.set(name, binding);
    bindings.push(binding);
  };
  if (member.kind === 'Binding') {
    let path: SyntaxNode | undefined;
    for (const c of member.children) {
      if (c.type === 'node' && c.kind === 'AttrPath') {
        path = c;
        break;
      }
    }
    let first: SyntaxNode | undefined;
    if (path !== undefined) {
      for (const c of path.children) {
        if (c.type === 'node') {
          first = c;
          break;
        }
      }
    }
    const name = first === undefined ? undefined : attrName(first, text);
    if (first !== undefined && name !== undefined) define(name, first, false);
    return;
  }
  if (member.kind !== 'Inherit') return;
  for (const child of member.children) {
    if (!isNode(child) || child.kind === 'Paren' || child.kind === 'Error') continue;
    const name = attrName(child, text);
    if (name !== undefined) define(name, child, true);
  }
}

function resolve(name: string, scope: Scope): Resolution {
  let withNode: SyntaxNode | undefined;
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    if (s.with !== undefined) {
      withNode ??= s.with;
      continue;
    }
    const binding = s.names?.get(name);
    if (binding !== undefined) return { kind: 'binding', binding };
  }
  if (isGlobalName(name)) return BUILTIN;
  return withNode === undefined ? UNDEFINED : { kind: 'with', with: withNode };
}

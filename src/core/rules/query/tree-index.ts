/**
 * One walk over the tree, shared by every rule of a check: nodes by kind, and each binding's
 * full attribute path through nested sets and dotted keys (`boot = { binfmt.emulatedSystems
 * = …; }` is boot.binfmt.emulatedSystems), so that rules look things up instead of walking.
 */
import { attrName, isNode, type NodeKind, type SyntaxNode } from '../../lang';
import { applyParts, bindingAttrPath, bindingValue, childNodes, lastName } from './values';

/** One attribute name on a path; `name` is undefined for an interpolated one. */
export interface PathPart {
  readonly name: string | undefined;
  readonly node: SyntaxNode;
}

export interface SetInfo {
  /** The outermost set this one is nested in through bindings (itself when it is not nested). */
  readonly root: SyntaxNode;
  /** Names from the root set to this one. */
  readonly prefix: readonly PathPart[];
}

export interface BindingInfo {
  /** The Binding node. */
  readonly node: SyntaxNode;
  /** The set (AttrSet, LetIn, LetAttrSet) it is a member of. */
  readonly set: SyntaxNode;
  readonly root: SyntaxNode;
  /** The full path from the root set: the set's prefix, then the binding's own attribute path. */
  readonly path: readonly PathPart[];
  /** How many of the path's parts the binding itself writes (its AttrPath). */
  readonly ownLength: number;
  readonly value: SyntaxNode | undefined;
}

export interface TreeIndex {
  readonly text: string;
  nodesOf(kind: NodeKind): readonly SyntaxNode[];
  /** Nodes of a kind inside a range, found by binary search (nodesOf is in document order). */
  nodesWithin(kind: NodeKind, range: { readonly start: number; readonly end: number }): readonly SyntaxNode[];
  readonly bindings: readonly BindingInfo[];
  /** Bindings whose path ends in `name`. */
  bindingsNamed(name: string): readonly BindingInfo[];
  bindingOf(node: SyntaxNode): BindingInfo | undefined;
  setInfo(set: SyntaxNode): SetInfo | undefined;
  /** Bindings whose root set is `root`, in document order. */
  bindingsUnder(root: SyntaxNode): readonly BindingInfo[];
}

const SET_KINDS: ReadonlySet<NodeKind> = new Set(['AttrSet', 'LetIn', 'LetAttrSet']);
/** Functions whose last argument is a set that still belongs where the call is written. */
const SET_WRAPPERS: ReadonlySet<string> = new Set(['mkIf', 'mkForce', 'mkDefault', 'mkOverride', 'mkBefore', 'mkAfter', 'mkOrder']);

/** Indexes a tree in one walk. */
export function buildTreeIndex(root: SyntaxNode, text: string): TreeIndex {
  const byKind = new Map<NodeKind, SyntaxNode[]>();
  const sets = new Map<SyntaxNode, SetInfo>();
  const bindings: BindingInfo[] = [];
  const byNode = new Map<SyntaxNode, BindingInfo>();
  const byName = new Map<string, BindingInfo[]>();
  const byRoot = new Map<SyntaxNode, BindingInfo[]>();
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    let list = byKind.get(node.kind);
    if (list === undefined) byKind.set(node.kind, (list = []));
    list.push(node);
    if (SET_KINDS.has(node.kind)) sets.set(node, setInfoFor(node, text, byNode));
    else if (node.kind === 'Binding' && node.parent !== undefined) {
      const info = bindingInfoFor(node, node.parent, text, sets);
      if (info !== undefined) {
        bindings.push(info);
        byNode.set(node, info);
        let under = byRoot.get(info.root);
        if (under === undefined) byRoot.set(info.root, (under = []));
        under.push(info);
        const last = info.path[info.path.length - 1]?.name;
        if (last !== undefined) {
          let named = byName.get(last);
          if (named === undefined) byName.set(last, (named = []));
          named.push(info);
        }
      }
    }
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i];
      if (isNode(child)) stack.push(child);
    }
  }
  return {
    text,
    nodesOf: (kind) => byKind.get(kind) ?? [],
    nodesWithin: (kind, range) => within(byKind.get(kind) ?? [], range),
    bindings,
    bindingsNamed: (name) => byName.get(name) ?? [],
    bindingOf: (node) => byNode.get(node),
    setInfo: (set) => sets.get(set),
    bindingsUnder: (root) => byRoot.get(root) ?? [],
  };
}

function bindingInfoFor(node: SyntaxNode, set: SyntaxNode, text: string, sets: ReadonlyMap<SyntaxNode, SetInfo>): BindingInfo | undefined {
  const setInfo = sets.get(set);
  const attrPath = bindingAttrPath(node);
  if (setInfo === undefined || attrPath === undefined) return undefined;
  const own = childNodes(attrPath).map((n): PathPart => ({ name: attrName(n, text), node: n }));
  return { node, set, root: setInfo.root, path: [...setInfo.prefix, ...own], ownLength: own.length, value: bindingValue(node) };
}

/** A set's place: nested in the binding whose value it is (through parentheses and mkIf…). */
function setInfoFor(set: SyntaxNode, text: string, bindings: ReadonlyMap<SyntaxNode, BindingInfo>): SetInfo {
  let child = set;
  let parent = set.parent;
  for (let guard = 0; parent !== undefined && guard < 32; guard++) {
    if (parent.kind === 'Paren') {
      child = parent;
      parent = parent.parent;
      continue;
    }
    if (parent.kind === 'Apply') {
      const parts = applyParts(topApply(parent));
      const name = parts === undefined ? undefined : lastName(parts.fn, text);
      if (parts !== undefined && name !== undefined && SET_WRAPPERS.has(name) && parts.args[parts.args.length - 1] === child) {
        child = topApply(parent);
        parent = child.parent;
        continue;
      }
      break;
    }
    if (parent.kind === 'BinaryOp' && parent.children.some((c) => !isNode(c) && c.kind === '//')) {
      child = parent;
      parent = parent.parent;
      continue;
    }
    break;
  }
  if (parent?.kind === 'Binding') {
    const holder = bindings.get(parent);
    if (holder !== undefined && holder.value === child && holder.set.kind !== 'LetIn') return { root: holder.root, prefix: holder.path };
  }
  return { root: set, prefix: [] };
}

/** The outermost Apply of a curried call whose function part contains `node`. */
function topApply(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent?.kind === 'Apply' && childNodes(current.parent)[0] === current) current = current.parent;
  return current;
}

function within(nodes: readonly SyntaxNode[], range: { readonly start: number; readonly end: number }): SyntaxNode[] {
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((nodes[mid]?.start ?? 0) < range.start) low = mid + 1;
    else high = mid;
  }
  const out: SyntaxNode[] = [];
  for (let i = low; i < nodes.length; i++) {
    const node = nodes[i];
    if (node === undefined || node.start >= range.end) break;
    if (node.end <= range.end) out.push(node);
  }
  return out;
}

/** Whether `parts` spells `pattern`; `*` matches any one name (an interpolated one included). */
export function pathMatches(parts: readonly PathPart[], pattern: readonly string[]): boolean {
  if (parts.length !== pattern.length) return false;
  return pattern.every((p, i) => p === '*' || parts[i]?.name === p);
}

/** Whether `parts` ends with `pattern`. */
export function pathEndsWith(parts: readonly PathPart[], pattern: readonly string[]): boolean {
  if (parts.length < pattern.length) return false;
  return pathMatches(parts.slice(parts.length - pattern.length), pattern);
}

/** Whether `outer` contains `inner` (by range). */
export function contains(outer: { start: number; end: number }, inner: { start: number; end: number }): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

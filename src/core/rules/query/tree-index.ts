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
  /** The set whose binding holds this one, if it is nested. */
  readonly parentSet: SyntaxNode | undefined;
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
  /** Nodes of a kind in document order (Root, Apply, Select, AttrPath, Lambda, List, String, With). */
  nodesOf(kind: NodeKind): readonly SyntaxNode[];
  /** Nodes of a kind inside a range, found by binary search (nodesOf is in document order). */
  nodesWithin(kind: NodeKind, range: { readonly start: number; readonly end: number }): readonly SyntaxNode[];
  readonly bindings: readonly BindingInfo[];
  /** Bindings whose path ends in `name`. */
  bindingsNamed(name: string): readonly BindingInfo[];
  bindingOf(node: SyntaxNode): BindingInfo | undefined;
  setInfo(set: SyntaxNode): SetInfo | undefined;
  /** Bindings in a set and in the sets nested in it through bindings, in document order. */
  bindingsUnder(set: SyntaxNode): readonly BindingInfo[];
  /** The set's own members (Binding nodes written in it). */
  membersOf(set: SyntaxNode): readonly BindingInfo[];
}

const SET_KINDS: ReadonlySet<NodeKind> = new Set(['AttrSet', 'LetIn', 'LetAttrSet']);
/** The kinds `nodesOf` lists: the ones rules look up (listing every node costs a third of the walk). */
const INDEXED_KINDS: ReadonlySet<NodeKind> = new Set(['Root', 'Apply', 'Select', 'AttrPath', 'Lambda', 'List', 'String', 'With']);
/** Functions whose last argument is a set that still belongs where the call is written. */
const SET_WRAPPERS: ReadonlySet<string> = new Set(['mkIf', 'mkForce', 'mkDefault', 'mkOverride', 'mkBefore', 'mkAfter', 'mkOrder']);

/** Indexes a tree in one walk. */
export function buildTreeIndex(root: SyntaxNode, text: string): TreeIndex {
  const byKind = new Map<NodeKind, SyntaxNode[]>();
  // Maps keyed by a node's start offset, not the node: a set or binding starts with a token of its
  // own, so offsets are unique per kind, and number keys spare V8 an identity hash per node.
  const sets = new Map<number, SetInfo>();
  const bindings: BindingInfo[] = [];
  const byNode = new Map<number, BindingInfo>();
  const byName = new Map<string, BindingInfo[]>();
  const members = new Map<number, BindingInfo[]>();
  /** Sets nested in a set through its bindings' values. */
  const nested = new Map<number, SyntaxNode[]>();
  const under = new Map<number, readonly BindingInfo[]>();
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    const kind = node.kind;
    if (INDEXED_KINDS.has(kind)) {
      let list = byKind.get(kind);
      if (list === undefined) byKind.set(kind, (list = []));
      list.push(node);
    }
    if (kind === 'AttrSet' || kind === 'LetIn' || kind === 'LetAttrSet') {
      const info = setInfoFor(node, text, byNode);
      sets.set(node.start, info);
      if (info.parentSet !== undefined) {
        const list = nested.get(info.parentSet.start);
        if (list === undefined) nested.set(info.parentSet.start, [node]);
        else list.push(node);
      }
    }
    else if (kind === 'Binding' && node.parent !== undefined) {
      const info = bindingInfoFor(node, node.parent, text, sets);
      if (info !== undefined) {
        bindings.push(info);
        byNode.set(node.start, info);
        const list = members.get(info.set.start);
        if (list === undefined) members.set(info.set.start, [info]);
        else list.push(info);
        const last = info.path[info.path.length - 1]?.name;
        if (last !== undefined) {
          let named = byName.get(last);
          if (named === undefined) byName.set(last, (named = []));
          named.push(info);
        }
      }
    }
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined && child.type === 'node') stack.push(child);
    }
  }
  return {
    text,
    nodesOf: (kind) => byKind.get(kind) ?? [],
    nodesWithin: (kind, range) => within(byKind.get(kind) ?? [], range),
    bindings,
    bindingsNamed: (name) => byName.get(name) ?? [],
    bindingOf: (node) => (node.kind === 'Binding' ? byNode.get(node.start) : undefined),
    setInfo: (set) => (SET_KINDS.has(set.kind) ? sets.get(set.start) : undefined),
    bindingsUnder: (set) => {
      if (!SET_KINDS.has(set.kind)) return [];
      let found = under.get(set.start);
      if (found === undefined) under.set(set.start, (found = collectUnder(set, members, nested)));
      return found;
    },
    membersOf: (set) => (SET_KINDS.has(set.kind) ? (members.get(set.start) ?? []) : []),
  };
}

/** A set's members and those of the sets nested in it, in document order; computed on first use. */
function collectUnder(set: SyntaxNode, members: ReadonlyMap<number, readonly BindingInfo[]>, nested: ReadonlyMap<number, readonly SyntaxNode[]>): BindingInfo[] {
  const out: BindingInfo[] = [];
  const stack = [set];
  let sorted = true;
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    for (const b of members.get(current.start) ?? []) {
      if (out.length > 0 && (out[out.length - 1]?.node.start ?? 0) > b.node.start) sorted = false;
      out.push(b);
    }
    stack.push(...(nested.get(current.start) ?? []));
  }
  return sorted ? out : out.sort((a, b) => a.node.start - b.node.start);
}

function bindingInfoFor(node: SyntaxNode, set: SyntaxNode, text: string, sets: ReadonlyMap<number, SetInfo>): BindingInfo | undefined {
  const setInfo = sets.get(set.start);
  const attrPath = bindingAttrPath(node);
  if (setInfo === undefined || attrPath === undefined) return undefined;
  // One array, no intermediate lists: this runs for every binding of the file.
  const path: PathPart[] = setInfo.prefix.slice();
  for (const n of attrPath.children) if (n.type === 'node') path.push({ name: attrName(n, text), node: n });
  return { node, set, root: setInfo.root, path, ownLength: path.length - setInfo.prefix.length, value: bindingValue(node) };
}

/** A set's place: nested in the binding whose value it is (through parentheses and mkIf…). */
function setInfoFor(set: SyntaxNode, text: string, bindings: ReadonlyMap<number, BindingInfo>): SetInfo {
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
    const holder = bindings.get(parent.start);
    if (holder !== undefined && holder.value === child && holder.set.kind !== 'LetIn') return { root: holder.root, prefix: holder.path, parentSet: holder.set };
  }
  return { root: set, prefix: [], parentSet: undefined };
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

/**
 * Queries over attribute-set bindings, the way rules need them: "where is
 * `boot.binfmt.emulatedSystems` set in this module?" must find it whether written dotted
 * (`boot.binfmt.emulatedSystems = …;`), nested (`boot = { binfmt = { emulatedSystems = …; }; };`)
 * or mixed. Only literal sets are looked into (parentheses ignored); a value that is anything
 * else (a function call, `mkIf c { … }`, a variable) is reported as such and never guessed at.
 */
import { attrName, unparen } from './string-value';
import { isNode, type SyntaxNode } from './syntax';

export interface AttrDefinition {
  /** The full path from the queried set, in static names. */
  readonly path: readonly string[];
  /** The Binding or Inherit node that defines it. */
  readonly binding: SyntaxNode;
  /** The name node (Name, String or Interpolation) that spells the last element of the path. */
  readonly name: SyntaxNode;
  /** The value: an expression; for `inherit x` the Name node itself (it reads variable x); for
   * `inherit (e) x` the source Paren node. */
  readonly value: SyntaxNode | undefined;
  /** 'inherit' and 'inherit-from' definitions have no value expression of their own. */
  readonly kind: 'binding' | 'inherit' | 'inherit-from';
}

const SET_KINDS = new Set(['AttrSet', 'LetAttrSet', 'LetIn']);

/** Whether a node is a literal set: `{ … }`, `rec { … }`, legacy `let { … }`, or the bindings of `let … in`. */
export function isAttrSetLike(node: SyntaxNode | undefined): node is SyntaxNode {
  return node !== undefined && SET_KINDS.has(node.kind);
}

/**
 * The definitions of a set (unwrapping parentheses). With `deep`, a value that is itself a
 * literal `{ … }`/`rec { … }` is replaced by its own definitions, paths joined; a definition
 * with a dynamic name (`${x} = …`) is left out, since its path is unknown.
 */
export function attrDefinitions(set: SyntaxNode, text: string, options: { readonly deep?: boolean } = {}): AttrDefinition[] {
  const out: AttrDefinition[] = [];
  const stack: { set: SyntaxNode; prefix: readonly string[] }[] = [];
  const start = unparen(set);
  if (!isAttrSetLike(start)) return out;
  stack.push({ set: start, prefix: [] });
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    const local: AttrDefinition[] = [];
    for (const member of top.set.children) {
      if (!isNode(member)) continue;
      if (member.kind === 'Binding') {
        const path = member.children.find((c): c is SyntaxNode => isNode(c) && c.kind === 'AttrPath');
        const names = path?.children.filter(isNode) ?? [];
        const spelled = names.map((n) => attrName(n, text));
        const last = names[names.length - 1];
        if (last === undefined || spelled.some((s) => s === undefined)) continue;
        const value = member.children.find((c): c is SyntaxNode => isNode(c) && c.kind !== 'AttrPath' && c.kind !== 'Error');
        const full = [...top.prefix, ...spelled.filter((s): s is string => s !== undefined)];
        const inner = unparen(value);
        if (options.deep === true && inner !== undefined && inner.kind === 'AttrSet') stack.push({ set: inner, prefix: full });
        else local.push({ path: full, binding: member, name: last, value, kind: 'binding' });
      } else if (member.kind === 'Inherit') {
        const source = member.children.find((c): c is SyntaxNode => isNode(c) && c.kind === 'Paren');
        for (const child of member.children) {
          if (!isNode(child) || child === source || child.kind === 'Error') continue;
          const name = attrName(child, text);
          if (name === undefined) continue;
          local.push({
            path: [...top.prefix, name],
            binding: member,
            name: child,
            value: source ?? child,
            kind: source === undefined ? 'inherit' : 'inherit-from',
          });
        }
      }
    }
    out.push(...local);
  }
  return out.sort((a, b) => a.name.start - b.name.start);
}

/** Definitions of exactly `path` (dotted, nested or mixed), in document order. */
export function findAttr(set: SyntaxNode, path: readonly string[], text: string): AttrDefinition[] {
  return attrDefinitions(set, text, { deep: true }).filter((d) => samePath(d.path, path));
}

/**
 * Definitions at or under `path`: `boot.kernelParams` and `boot = { … }`'s members for
 * ['boot']. Also the definitions of a *prefix* of `path` whose value is not a literal set
 * (`boot = mkIf c { … };` for ['boot', 'kernelParams']), marked `opaque`: the path may be set
 * in there, and a rule should not guess.
 */
export function findAttrUnder(set: SyntaxNode, path: readonly string[], text: string): { readonly definition: AttrDefinition; readonly opaque: boolean }[] {
  const out: { definition: AttrDefinition; opaque: boolean }[] = [];
  for (const definition of attrDefinitions(set, text, { deep: true })) {
    const p = definition.path;
    if (p.length >= path.length && samePath(p.slice(0, path.length), path)) out.push({ definition, opaque: false });
    else if (p.length < path.length && samePath(p, path.slice(0, p.length))) out.push({ definition, opaque: true });
  }
  return out;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * The literal set an expression evaluates to, looking through parentheses and the bodies of
 * `let … in`, `with …;` and `assert …;` (as a module's `{ config, … }: let … in { … }` needs);
 * undefined when it is anything else.
 */
export function resultSet(node: SyntaxNode | undefined): SyntaxNode | undefined {
  let current = unparen(node);
  while (current !== undefined) {
    if (current.kind === 'AttrSet') return current;
    if (current.kind !== 'LetIn' && current.kind !== 'With' && current.kind !== 'Assert') return undefined;
    const parts = current.children.filter(isNode);
    current = unparen(parts[parts.length - 1]);
  }
  return undefined;
}

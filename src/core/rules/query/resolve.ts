/**
 * Following an expression to where this file defines it: a let or rec variable to its value,
 * `nixosModules.vulpix` in a rec set or `self.nixosModules.vulpix` to the binding that defines
 * it. Anything defined in another file (or computed) resolves to undefined: rules then stay
 * silent rather than guess.
 */
import { unparen, type ScopeInfo, type SyntaxNode } from '../../lang';
import type { BindingInfo, TreeIndex } from './tree-index';
import { selectPath, unwrapValue } from './values';

const MAX_DEPTH = 24;

export interface ResolverOptions {
  readonly index: TreeIndex;
  readonly scopes: ScopeInfo;
  /** The flake's outputs set, which `self` stands for, and the lambda that binds `self`. */
  readonly self?: { readonly lambda: SyntaxNode; readonly set: SyntaxNode } | undefined;
}

export class Resolver {
  constructor(private readonly options: ResolverOptions) {}

  /** The expression `node` stands for, followed through variables and selects in this file. */
  resolve(node: SyntaxNode | undefined, depth = 0): SyntaxNode | undefined {
    const { index } = this.options;
    const value = unwrapValue(node, index.text);
    if (value === undefined || depth > MAX_DEPTH) return undefined;
    if (value.kind === 'Ident') {
      const target = this.variableTarget(value);
      if (target === 'self') return this.options.self?.set;
      if (target === undefined) return value;
      return target.ownLength === 1 && target.path.length >= 1 ? this.resolve(target.value, depth + 1) : undefined;
    }
    if (value.kind === 'Select') {
      const sel = selectPath(value, index.text);
      if (sel === undefined || sel.hasDefault || sel.names.some((n) => n === undefined)) return value;
      const names = sel.names as string[];
      const root = unwrapValue(sel.root, index.text);
      if (root?.kind === 'Ident') {
        const target = this.variableTarget(root);
        if (target === 'self') return this.options.self === undefined ? undefined : this.lookup(this.options.self.set, names, depth + 1);
        if (target !== undefined) return this.lookupFrom(target, names, depth + 1);
        return value;
      }
      const base = this.resolve(root, depth + 1);
      return base?.kind === 'AttrSet' ? this.lookup(base, names, depth + 1) : value;
    }
    return value;
  }

  /** The value a variable (an Ident, or the Name of a plain `inherit`) is bound to in this file. */
  resolveVariable(node: SyntaxNode, depth = 0): SyntaxNode | undefined {
    const target = this.variableTarget(node);
    if (target === 'self') return this.options.self?.set;
    if (target === undefined) return undefined;
    return target.ownLength === 1 ? this.resolve(target.value, depth + 1) : undefined;
  }

  /** The binding a variable refers to ('self' for the flake's self), or undefined. */
  private variableTarget(ident: SyntaxNode): BindingInfo | 'self' | undefined {
    const ref = this.options.scopes.referenceOf(ident);
    if (ref?.resolution.kind !== 'binding') return undefined;
    const binding = ref.resolution.binding;
    if (binding.kind === 'formal' || binding.kind === 'lambda') {
      return this.options.self !== undefined && binding.scope === this.options.self.lambda && binding.name === 'self' ? 'self' : undefined;
    }
    if (binding.kind === 'inherit') return undefined;
    const bindingNode = binding.node.parent?.parent;
    return bindingNode === undefined ? undefined : this.options.index.bindingOf(bindingNode);
  }

  /** `v.a.b` where v is bound by `target` (`v = …;` or `v.a = …;`). */
  private lookupFrom(target: BindingInfo, names: readonly string[], depth: number): SyntaxNode | undefined {
    const head = target.path[target.path.length - target.ownLength]?.name;
    if (head === undefined) return undefined;
    return this.lookup(target.set, [head, ...names], depth);
  }

  /** The value at `names` in a set (one written in this file), through nested and dotted bindings. */
  lookup(set: SyntaxNode, names: readonly string[], depth = 0): SyntaxNode | undefined {
    const { index } = this.options;
    const info = index.setInfo(unparen(set) ?? set);
    if (info === undefined || depth > MAX_DEPTH) return undefined;
    const prefixLength = info.prefix.length;
    next: for (const b of index.bindingsUnder(unparen(set) ?? set)) {
      const relativeLength = b.path.length - prefixLength;
      if (relativeLength <= 0 || b.path[prefixLength]?.name !== names[0]) continue;
      const common = Math.min(relativeLength, names.length);
      for (let i = 1; i < common; i++) if (b.path[prefixLength + i]?.name !== names[i]) continue next;
      if (relativeLength === names.length) return this.resolve(b.value, depth + 1);
      if (relativeLength < names.length) {
        const inner = this.resolve(b.value, depth + 1);
        if (inner?.kind === 'AttrSet' && index.setInfo(inner)?.root === inner) return this.lookup(inner, names.slice(relativeLength), depth + 1);
      }
    }
    return undefined;
  }
}

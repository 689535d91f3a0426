/**
 * NixOS configurations written in one file: `nixpkgs.lib.nixosSystem { system; modules; }` and
 * `pkgs.pkgsCross.<platform>.nixos module`, with the modules this file defines for them
 * (followed through imports, rec sets, `self`, let bindings and module functions) and the
 * system they target. A module from another file makes the configuration `incomplete`.
 */
import { isNode, unparen, type SyntaxNode } from '../../lang';
import { lambdaBody } from './flake';
import type { Resolver } from './resolve';
import { pkgsCrossSystem, systemOfTriple } from './systems';
import type { BindingInfo, TreeIndex } from './tree-index';
import { applyFunction, applyParts, childNodes, dottedName, lastName, listElements, literalString, selectPath, unwrapValue } from './values';

export interface TargetSystem {
  readonly system: string;
  /** Where the file says it, for messages and ranges. */
  readonly node: SyntaxNode;
  readonly via: 'nixosSystem' | 'pkgsCross' | 'nixpkgs.hostPlatform' | 'nixpkgs.crossSystem' | 'nixpkgs.system';
}

export interface NixosConfiguration {
  /** The call that builds it. */
  readonly node: SyntaxNode;
  readonly target: TargetSystem | undefined;
  /** Module sets written in this file. */
  readonly moduleSets: readonly SyntaxNode[];
  /** Source text of modules imported from nixpkgs (`"${nixpkgs}/nixos/modules/…"`, modulesPath). */
  readonly nixpkgsModules: readonly string[];
  /** A module comes from another file or is computed: absence checks must stay silent. */
  readonly incomplete: boolean;
  /** Option bindings, by option path, in this configuration's module sets. */
  readonly option: (path: readonly string[]) => readonly BindingInfo[];
}

const NIXOS_SYSTEM_FUNCTIONS: ReadonlySet<string> = new Set(['nixosSystem', 'nixosGenerate']);

export function findNixosConfigurations(index: TreeIndex, resolver: Resolver): NixosConfiguration[] {
  const text = index.text;
  const out: NixosConfiguration[] = [];
  for (const apply of index.nodesOf('Apply')) {
    if (apply.parent?.kind === 'Apply' && childNodes(apply.parent)[0] === apply) continue;
    const fn = applyFunction(apply);
    const name = fn === undefined ? undefined : lastName(fn, text);
    if (name === undefined || (name !== 'nixos' && !NIXOS_SYSTEM_FUNCTIONS.has(name))) continue;
    const parts = applyParts(apply);
    if (parts === undefined) continue;
    if (NIXOS_SYSTEM_FUNCTIONS.has(name)) {
      const arg = resolver.resolve(parts.args[0]);
      if (arg?.kind !== 'AttrSet') continue;
      const systemNode = attrValue(arg, 'system', index, resolver);
      const system = systemNode === undefined ? undefined : systemOfTriple(literalString(systemNode, text) ?? '');
      const base: TargetSystem | undefined = system === undefined || systemNode === undefined ? undefined : { system, node: systemNode, via: 'nixosSystem' };
      const modulesNode = attrValue(arg, 'modules', index, resolver);
      const modules = listElements(modulesNode, text);
      out.push(build(apply, base, modules.elements, !modules.complete, index, resolver));
      continue;
    }
    if (name === 'nixos' && parts.fn.kind === 'Select') {
      const sel = selectPath(parts.fn, text);
      const names = sel?.names ?? [];
      const at = names.lastIndexOf('pkgsCross');
      const platform = at >= 0 && at === names.length - 3 ? names[at + 1] : undefined;
      const system = platform === undefined ? undefined : pkgsCrossSystem(platform);
      const platformNode = sel?.nameNodes[at + 1];
      const base: TargetSystem | undefined = system === undefined || platformNode === undefined ? undefined : { system, node: platformNode, via: 'pkgsCross' };
      if (platform === undefined) continue;
      out.push(build(apply, base, parts.args.slice(0, 1), false, index, resolver));
    }
  }
  if (out.length === 0) {
    // A plain NixOS module file (`{ pkgs, ... }: { … }`): one configuration of unknown system.
    const top = unparen(index.nodesOf('Root')[0]?.children.find(isNode));
    const body = top?.kind === 'Lambda' && childNodes(top).some((c) => c.kind === 'Formals') ? lambdaBody(top) : undefined;
    if (top !== undefined && body?.kind === 'AttrSet' && resolver.lookup(body, ['outputs']) === undefined) out.push(build(top, undefined, [top], false, index, resolver));
  }
  return out;
}

/** The value of `name` in a set: a binding or an `inherit`. */
export function attrValue(set: SyntaxNode, name: string, index: TreeIndex, resolver: Resolver): SyntaxNode | undefined {
  const found = resolver.lookup(set, [name]);
  if (found !== undefined) return found;
  for (const member of childNodes(set)) {
    if (member.kind !== 'Inherit') continue;
    const from = childNodes(member).find((c) => c.kind === 'Paren');
    for (const n of childNodes(member)) {
      if (n.kind !== 'Name' || index.text.slice(n.start, n.end) !== name) continue;
      if (from !== undefined) return undefined;
      // A plain `inherit x;` reads the variable x.
      return resolver.resolveVariable(n);
    }
  }
  return undefined;
}

function build(node: SyntaxNode, base: TargetSystem | undefined, modules: readonly SyntaxNode[], incompleteList: boolean, index: TreeIndex, resolver: Resolver): NixosConfiguration {
  const text = index.text;
  const moduleSets: SyntaxNode[] = [];
  const nixpkgsModules: string[] = [];
  let incomplete = incompleteList;
  const seen = new Set<SyntaxNode>();
  const visit = (expr: SyntaxNode, depth: number): void => {
    if (depth > 16) return void (incomplete = true);
    const raw = unparen(expr);
    if (raw !== undefined && isNixpkgsModulePath(raw, text)) return void nixpkgsModules.push(text.slice(raw.start, raw.end));
    let value = resolver.resolve(expr);
    if (value?.kind === 'Lambda') value = lambdaBody(value);
    value = unwrapValue(value, text);
    if (value === undefined || value.kind !== 'AttrSet') {
      if (value !== undefined && isNixpkgsModulePath(value, text)) nixpkgsModules.push(text.slice(value.start, value.end));
      else incomplete = true;
      return;
    }
    if (seen.has(value)) return;
    seen.add(value);
    moduleSets.push(value);
    const imports = resolver.lookup(value, ['imports']);
    if (imports === undefined) return;
    const list = listElements(imports, text);
    if (!list.complete) incomplete = true;
    for (const element of list.elements) visit(element, depth + 1);
  };
  for (const m of modules) visit(m, 0);

  // Option bindings by their path relative to the module (`config.` dropped), built on first use.
  let byPath: Map<string, BindingInfo[]> | undefined;
  let all: { readonly key: readonly (string | undefined)[]; readonly binding: BindingInfo }[] = [];
  const option = (path: readonly string[]): readonly BindingInfo[] => {
    if (byPath === undefined) {
      byPath = new Map();
      all = [];
      for (const set of moduleSets) {
        const info = index.setInfo(set);
        if (info === undefined) continue;
        const prefix = info.prefix.length;
        for (const b of index.bindingsUnder(set)) {
          if (b.path.length <= prefix) continue;
          const from = b.path[prefix]?.name === 'config' ? prefix + 1 : prefix;
          const key = b.path.slice(from).map((p) => p.name);
          all.push({ key, binding: b });
          const joined = key.join('\u0000');
          const list = byPath.get(joined);
          if (list === undefined) byPath.set(joined, [b]);
          else list.push(b);
        }
      }
    }
    if (!path.includes('*')) return byPath.get(path.join('\u0000')) ?? [];
    return all.filter((e) => e.key.length === path.length && path.every((p, i) => p === '*' || e.key[i] === p)).map((e) => e.binding);
  };

  let target = base;
  for (const [optionPath, via] of [
    [['nixpkgs', 'system'], 'nixpkgs.system'],
    [['nixpkgs', 'crossSystem'], 'nixpkgs.crossSystem'],
    [['nixpkgs', 'hostPlatform'], 'nixpkgs.hostPlatform'],
  ] as const) {
    for (const b of [...option(optionPath), ...option([...optionPath, 'system']), ...option([...optionPath, 'config'])]) {
      const system = systemOfValue(b.value, index, resolver);
      if (system !== undefined && b.value !== undefined) target = { system, node: b.value, via };
    }
  }
  return { node, target, moduleSets, nixpkgsModules, incomplete, option };
}

/** A system written as a double, a triple, `{ system = …; }`, `lib.systems.examples.<platform>`. */
export function systemOfValue(node: SyntaxNode | undefined, index: TreeIndex, resolver: Resolver): string | undefined {
  const text = index.text;
  const value = resolver.resolve(node);
  if (value === undefined) return undefined;
  const literal = literalString(value, text);
  if (literal !== undefined) return systemOfTriple(literal);
  if (value.kind === 'AttrSet') {
    return systemOfValue(resolver.lookup(value, ['system']), index, resolver) ?? systemOfValue(resolver.lookup(value, ['config']), index, resolver);
  }
  const dotted = dottedName(value, text);
  const examples = dotted?.lastIndexOf('examples') ?? -1;
  const platform = dotted !== undefined && examples >= 0 && examples === dotted.length - 2 ? dotted[examples + 1] : undefined;
  if (platform !== undefined) return pkgsCrossSystem(platform);
  const parts = applyParts(value);
  if (parts !== undefined && lastName(parts.fn, text) === 'elaborate') return systemOfValue(parts.args[0], index, resolver);
  return undefined;
}

/** `"${nixpkgs}/nixos/modules/…"`, `<nixpkgs/nixos/modules/…>`, `modulesPath + "/…"`. */
function isNixpkgsModulePath(node: SyntaxNode, text: string): boolean {
  if (!['String', 'Path', 'Literal', 'BinaryOp'].includes(node.kind)) return false;
  if (node.kind === 'Literal' && !node.children.some((c) => !isNode(c) && c.kind === 'SPATH')) return false;
  const source = text.slice(node.start, node.end);
  return source.includes('nixos/modules/') || source.includes('modulesPath');
}

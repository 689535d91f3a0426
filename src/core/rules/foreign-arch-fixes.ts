/**
 * foreign-arch-package's fixes: point `<input>.packages.<S>.<x>` at the flake's cross variant
 * for the target T, or at its native package for T. Which names the flake has comes from the
 * rule context (the front-end asked Nix) or, for `self`, from this file's own output sets.
 * Nothing is guessed: with no names known, there is no fix.
 */
import { unparen, type SyntaxNode } from '../lang';
import type { Fix, RuleContext, TextEdit } from './rule';
import type { Analysis } from './query/analysis';
import { PKGS_CROSS_PLATFORMS } from './query/systems';
import type { SelectPath } from './query/values';

/** Package names of the flake a select reads from, per system; undefined when unknown. */
export type PackageNames = (system: string) => readonly string[] | undefined;

/** A foreign package select: `<…>.packages.<system>.<name>`, the parts the fixes rewrite. */
export interface ForeignPackage {
  readonly sel: SelectPath;
  /** Index of `packages` in sel.names. */
  readonly at: number;
  /** The system written (S). */
  readonly system: string;
  /** The package name written (x). */
  readonly name: string;
  /** The configuration's system (T). */
  readonly target: string;
}

export interface ForeignArchFixes {
  readonly fixes: readonly Fix[];
  /** The cross variant the first fix uses, for the message. */
  readonly crossVariant: string | undefined;
}

/**
 * Where the names of the flake behind `sel` come from: an input of this flake (`tool.packages…`
 * with `tool` an outputs formal, or `inputs.tool.packages…` with `inputs@{…}`), or `self`.
 */
export function packageNamesOf(analysis: Analysis, context: RuleContext, sel: SelectPath, at: number): PackageNames | undefined {
  const lambda = analysis.flake?.outputsLambda;
  const root = unparen(sel.root);
  if (lambda === undefined || root?.kind !== 'Ident') return undefined;
  const ref = context.scopes.referenceOf(root);
  const binding = ref?.resolution.kind === 'binding' ? ref.resolution.binding : undefined;
  if (binding === undefined || binding.scope !== lambda) return undefined;
  let flake: string | undefined;
  if (binding.kind === 'formal' && at === 0) flake = binding.name;
  else if (binding.kind === 'lambda' && at === 1) flake = sel.names[0];
  if (flake === undefined) return undefined;
  if (flake === 'self') return (system) => selfPackageNames(analysis, system, sel.names[at + 1]);
  const ask = context.inputPackages;
  const input = flake;
  return ask === undefined ? undefined : (system) => ask(input, system);
}

/**
 * Names this file defines under `packages.<system>` of its outputs. A per-system body
 * (flake-utils' eachSystem) counts only for the system the select itself names: the file does
 * not say which other systems its list holds.
 */
function selfPackageNames(analysis: Analysis, system: string, written: string | undefined): readonly string[] | undefined {
  const { flake, index } = analysis;
  if (flake === undefined) return undefined;
  const names = new Set<string>();
  for (const root of flake.outputRoots) {
    if (root.perSystem && system !== written) continue;
    const prefix = index.setInfo(root.set)?.prefix.length ?? 0;
    const nameAt = prefix + (root.perSystem ? 1 : 2);
    for (const b of index.bindingsUnder(root.set)) {
      if (b.path[prefix]?.name !== 'packages') continue;
      if (!root.perSystem && b.path[prefix + 1]?.name !== system) continue;
      const name = b.path[nameAt]?.name;
      if (name !== undefined) names.add(name);
    }
  }
  return names.size === 0 ? undefined : [...names];
}

/** A cross variant's name stripped to the package it cross-builds: humility-cross-aarch64-linux → humility. */
export function crossBaseName(name: string): string {
  return name.replace(/-cross-.*$/i, '');
}

/** Whether a package name says it is cross-built for `target`: `<x>-cross-armv7l-linux`, `<x>-cross-raspberryPi`. */
export function isCrossNameFor(name: string, target: string): boolean {
  if (!/cross/i.test(name)) return false;
  const arch = target.split('-')[0] ?? target;
  if (name.includes(arch)) return true;
  return Object.entries(PKGS_CROSS_PLATFORMS).some(([platform, system]) => system === target && name.includes(platform));
}

/** At most this many cross variants are offered for `default`, which names no package. */
const MAX_DEFAULT_VARIANTS = 3;

export function foreignArchFixes(pkg: ForeignPackage, names: PackageNames, text: string): ForeignArchFixes {
  const fixes: Fix[] = [];
  const base = crossBaseName(pkg.name);
  const nameNode = pkg.sel.nameNodes[pkg.at + 2];
  const systemNode = pkg.sel.nameNodes[pkg.at + 1];
  if (nameNode === undefined || systemNode === undefined) return { fixes, crossVariant: undefined };
  const prefix = text.slice(pkg.sel.root.start, systemNode.start);

  const crossVariants = crossVariantsFor(names(pkg.system) ?? [], base, pkg.target);
  crossVariants.forEach((variant, i) => {
    fixes.push({
      title: `Use ${prefix}${pkg.system}.${variant} (built on ${pkg.system} for ${pkg.target})`,
      edits: [replace(nameNode, attrKey(variant))],
      ...(i === 0 ? { isPreferred: true } : {}),
    });
  });

  if (names(pkg.target)?.includes(base) === true) {
    const edits: TextEdit[] = [replace(systemNode, attrKey(pkg.target))];
    if (base !== pkg.name) edits.push(replace(nameNode, attrKey(base)));
    fixes.push({
      title: `Use ${prefix}${pkg.target}.${base} (native for ${pkg.target}: built under emulation, or fetched from a binary cache that has it)`,
      edits,
    });
  }
  return { fixes, crossVariant: crossVariants[0] };
}

/**
 * The names that are cross variants for `target` of the package `base`: the ones named after it
 * (`humility-cross-armv7l-linux`), shortest first. For `default`, which names no package, the
 * flake's cross variants for the target whatever their names.
 */
function crossVariantsFor(names: readonly string[], base: string, target: string): string[] {
  const cross = names.filter((n) => isCrossNameFor(n, target)).sort((a, b) => a.length - b.length || a.localeCompare(b));
  const named = cross.filter((n) => n.startsWith(`${base}-`));
  if (named.length > 0) {
    // `<x>-cross-…` before `<x>-something-cross-…`.
    const exact = named.filter((n) => n.toLowerCase().startsWith(`${base.toLowerCase()}-cross-`));
    return [...exact, ...named.filter((n) => !exact.includes(n))].slice(0, 1);
  }
  return base === 'default' ? cross.slice(0, MAX_DEFAULT_VARIANTS) : [];
}

function replace(node: SyntaxNode, newText: string): TextEdit {
  return { start: node.start, end: node.end, newText };
}

const KEYWORDS: ReadonlySet<string> = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

/** An attribute name as Nix source: bare when it is an identifier, else a quoted string. */
export function attrKey(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${')}"`;
}

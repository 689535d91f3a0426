import type { SyntaxNode } from '../lang';
import type { Finding, Rule } from './rule';
import { foreignArchFixes, isCrossNameFor, packageNamesOf } from './foreign-arch-fixes';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import { isKnownDouble, pkgsCrossSystem, runsNatively } from './query/systems';
import type { NixosConfiguration } from './query/nixos-configs';
import { selectPath } from './query/values';

/** Options whose packages end up in the system closure and run on the device. */
const PACKAGE_OPTIONS: ReadonlySet<string> = new Set(['systemPackages', 'packages', 'package', 'extraPackages']);

export const foreignArchPackageRule: Rule = {
  id: 'foreign-arch-package',
  defaultSeverity: 'error',
  description:
    "A NixOS configuration for system T installs `<input>.packages.<S>.<name>` (or `legacyPackages.<S>`) with S ≠ T. That package is built for S: on the device it fails with \"Exec format error\". Use the flake's cross variant for T (built by your machine's compiler for T, like the seed's humility-cross-armv7l-linux) or the package for T. When the flake's package names are known (the language server asks Nix about inputs; `self` is read from the file), the quick fix points at the cross variant.",
  check(context) {
    const analysis = analysisOf(context);
    const { index, text } = analysis;
    const findings: Finding[] = [];
    const seen = new Set<SyntaxNode>();
    for (const config of analysis.configurations()) {
      const target = config.target?.system;
      if (target === undefined) continue;
      const values = packageOptionValues(config.option);
      if (values.length === 0) continue;
      for (const select of values.flatMap((v) => index.nodesWithin('Select', v))) {
        if (seen.has(select)) continue;
        const sel = selectPath(select, text);
        if (sel === undefined) continue;
        const at = sel.names.findIndex((n, i) => (n === 'packages' || n === 'legacyPackages') && isKnownDouble(sel.names[i + 1] ?? ''));
        const system = sel.names[at + 1];
        const rest = sel.names.slice(at + 2);
        if (at < 0 || system === undefined || rest.length === 0 || runsNatively(target, system) || isCrossFor(rest, target)) continue;
        seen.add(select);
        const written = text.slice(select.start, select.end);
        const name = rest.length === 1 ? rest[0] : undefined;
        // Only `packages` (a flake's own list); nixpkgs' legacyPackages is too big to ask about.
        const names = name === undefined || sel.names[at] !== 'packages' ? undefined : packageNamesOf(analysis, context, sel, at);
        const { fixes, crossVariant } =
          names === undefined || name === undefined ? { fixes: [], crossVariant: undefined } : foreignArchFixes({ sel, at, system, name, target }, names, text);
        const advice =
          crossVariant === undefined
            ? `Use the flake's cross variant for ${target} if it has one (a package built by your ${system} machine for ${target}, such as <name>-cross-${target}), or its package for ${target}.`
            : `Use the flake's cross variant ${crossVariant} (built by your ${system} machine for ${target}).`;
        findings.push(
          makeFinding(
            foreignArchPackageRule,
            select,
            `${written} is built for ${system}, but this configuration targets ${target}: on the device it fails with "Exec format error". ${advice}`,
            { fixes },
          ),
        );
      }
    }
    return findings;
  },
};

/** The value ranges of the configuration's package options. */
function packageOptionValues(option: NixosConfiguration['option']): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const name of PACKAGE_OPTIONS) {
    for (const path of [['environment', name], ['users', 'users', '*', name], ['programs', '*', name], ['services', '*', name], ['services', '*', '*', name], ['fonts', name]]) {
      for (const b of option(path)) if (b.value !== undefined) out.push(b.value);
    }
  }
  return out;
}

/** `pkgsCross.<platform>.x` for the target, or a package named as a cross variant for it (`humility-cross-armv7l-linux`). */
function isCrossFor(names: readonly (string | undefined)[], target: string): boolean {
  const crossAt = names.indexOf('pkgsCross');
  if (crossAt >= 0) return pkgsCrossSystem(names[crossAt + 1] ?? '') === target;
  return names.some((n) => n !== undefined && isCrossNameFor(n, target));
}

import type { Finding, Fix, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import type { PathPart } from './query/tree-index';

/** Outputs Nix 2.7 renamed; per-system ones gain the system between the new name and `default`. */
const RENAMED: Readonly<Record<string, { readonly to: string; readonly perSystem: boolean }>> = {
  defaultPackage: { to: 'packages', perSystem: true },
  defaultApp: { to: 'apps', perSystem: true },
  devShell: { to: 'devShells', perSystem: true },
  defaultBundler: { to: 'bundlers', perSystem: true },
  defaultTemplate: { to: 'templates', perSystem: false },
  overlay: { to: 'overlays', perSystem: false },
  nixosModule: { to: 'nixosModules', perSystem: false },
};

export const flakeDeprecatedOutputRule: Rule = {
  id: 'flake-deprecated-output',
  defaultSeverity: 'warning',
  description:
    'Flake outputs renamed in Nix 2.7: defaultPackage, defaultApp, devShell and defaultBundler became packages/apps/devShells/bundlers.<system>.default; defaultTemplate, overlay and nixosModule became templates/overlays/nixosModules.default. `nix flake check` warns about the old names and newer tools (`nix build` without an attribute, `nix develop`) look for the new ones. Custom outputs such as `deploy` and `images` are fine.',
  check(context) {
    const { flake, index, text } = analysisOf(context);
    if (flake === undefined) return [];
    const findings: Finding[] = [];
    const seen = new Set<PathPart['node']>();
    for (const root of flake.outputRoots) {
      const info = index.setInfo(root.set);
      if (info === undefined) continue;
      for (const b of index.bindingsUnder(root.set)) {
        if (b.path.length <= info.prefix.length) continue;
        const rel = b.path.slice(info.prefix.length);
        const head = rel[0];
        const renamed = head?.name === undefined ? undefined : RENAMED[head.name];
        // Only where the binding itself writes the old name, once per name written.
        if (head === undefined || renamed === undefined || b.path.length - b.ownLength !== info.prefix.length || seen.has(head.node)) continue;
        seen.add(head.node);
        const old = head.name ?? '';
        const target = renamed.perSystem ? `${renamed.to}.<system>.default` : `${renamed.to}.default`;
        const fix = fixFor(text, root.perSystem, renamed, rel);
        findings.push(
          makeFinding(
            flakeDeprecatedOutputRule,
            head.node,
            `'${old}' is a deprecated flake output (renamed in Nix 2.7): \`nix flake check\` warns about it and newer Nix commands look for ${target} instead. Rename it to ${target}.`,
            { fixes: fix === undefined ? [] : [fix], tags: ['deprecated'] },
          ),
        );
      }
    }
    return findings;
  },
};

function fixFor(text: string, perSystemRoot: boolean, renamed: { to: string; perSystem: boolean }, rel: readonly PathPart[]): Fix | undefined {
  const head = rel[0];
  if (head === undefined || head.node.kind !== 'Name') return undefined;
  if (!renamed.perSystem || perSystemRoot) {
    const newText = `${renamed.to}.default`;
    return { title: `Rename to ${newText}`, edits: [{ start: head.node.start, end: head.node.end, newText }], isPreferred: true };
  }
  // `defaultPackage.x86_64-linux = x;` → `packages.x86_64-linux.default = x;`
  const system = rel[1];
  if (rel.length !== 2 || system?.name === undefined) return undefined;
  const newText = `${renamed.to}.${text.slice(system.node.start, system.node.end)}.default`;
  return { title: `Rename to ${newText}`, edits: [{ start: head.node.start, end: system.node.end, newText }], isPreferred: true };
}

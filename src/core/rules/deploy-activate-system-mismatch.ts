import type { SyntaxNode } from '../lang';
import type { Finding, Fix, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf, type Analysis } from './query/analysis';
import { appendToList, insertAfter, insertIntoSet } from './query/edits';
import { emulates } from './query/emulation';
import { outputsArgName, outputsFormals } from './query/flake';
import type { NixosConfiguration } from './query/nixos-configs';
import { DEPLOY_RS_SYSTEMS, isKnownDouble, runsNatively } from './query/systems';
import { pathEndsWith } from './query/tree-index';
import { applyParts, selectPath, unwrapValue } from './query/values';

export const deployActivateSystemMismatchRule: Rule = {
  id: 'deploy-activate-system-mismatch',
  defaultSeverity: 'error',
  description:
    "A deploy-rs profile activated with `deploy-rs.lib.<S>.activate.nixos` for a configuration that targets another system T, which does not emulate S through `boot.binfmt.emulatedSystems`. The activation program (activate-rs) is built for S and runs on the target: there it fails with \"Exec format error\" and the deploy is rolled back. Use deploy-rs.lib.<T> (deploy-rs provides x86_64/aarch64 × linux/darwin), emulate S on the target, or build the activation with deploy-rs's overlay on a pkgsCross package set.",
  check(context) {
    const analysis = analysisOf(context);
    const { index, text } = analysis;
    const findings: Finding[] = [];
    for (const b of index.bindingsNamed('path')) {
      if (!pathEndsWith(b.path, ['nodes', '*', 'profiles', '*', 'path'])) continue;
      const call = applyParts(unwrapValue(b.value, text) ?? b.node);
      const sel = call?.fn === undefined ? undefined : selectPath(call.fn, text);
      if (call === undefined || sel === undefined) continue;
      const libAt = sel.names.indexOf('lib');
      const system = sel.names[libAt + 1];
      const systemNode = sel.nameNodes[libAt + 1];
      if (libAt < 0 || system === undefined || systemNode === undefined || !isKnownDouble(system)) continue;
      if (sel.names[libAt + 2] !== 'activate' || sel.names[libAt + 3] !== 'nixos') continue;
      const config = analysis.configurationAt(analysis.resolver.resolve(call.args[0]));
      const target = config?.target?.system;
      if (config === undefined || target === undefined || runsNatively(target, system)) continue;
      if (emulates(analysis, config, system) !== false) continue;
      const fixes = fixesFor(analysis, { fn: call.fn, libAt, system, systemNode, target, config, names: sel.nameNodes });
      findings.push(
        makeFinding(
          deployActivateSystemMismatchRule,
          call.fn,
          `deploy-rs.lib.${system} builds the activation program for ${system}, but this configuration targets ${target} (${config.target?.via ?? 'its system'}) and does not emulate ${system}: activation fails on the device with "Exec format error" and deploy-rs rolls the deploy back. ${
            DEPLOY_RS_SYSTEMS.includes(target)
              ? `Use deploy-rs.lib.${target}.`
              : `deploy-rs has no lib.${target}; add "${system}" to boot.binfmt.emulatedSystems (the device must run a generation with it before the next deploy: re-flash or switch locally first), or build the activation with deploy-rs's overlay on a package set cross-compiled for ${target}.`
          }`,
          { fixes },
        ),
      );
    }
    return findings;
  },
};

interface Site {
  readonly fn: SyntaxNode;
  readonly libAt: number;
  readonly system: string;
  readonly systemNode: SyntaxNode;
  readonly target: string;
  readonly config: NixosConfiguration;
  readonly names: readonly SyntaxNode[];
}

function fixesFor(analysis: Analysis, site: Site): Fix[] {
  const { text } = analysis;
  const fixes: Fix[] = [];
  if (DEPLOY_RS_SYSTEMS.includes(site.target)) {
    fixes.push({ title: `Use deploy-rs.lib.${site.target}`, edits: [{ start: site.systemNode.start, end: site.systemNode.end, newText: site.target }], isPreferred: true });
  }
  const emulation = addEmulation(analysis, site.config, site.system);
  if (emulation !== undefined) fixes.push({ title: `Add ${site.system} to boot.binfmt.emulatedSystems`, edits: [emulation] });
  // (import nixpkgs { … overlays = [ deploy-rs.overlay ]; }).deploy-rs.lib.activate.nixos: activate-rs cross-compiled for the target.
  const nixpkgs = analysis.flake?.inputs.has('nixpkgs') === true ? nixpkgsExpression(analysis) : undefined;
  const deployRs = site.libAt === 0 ? text.slice(selectRoot(site.fn).start, selectRoot(site.fn).end) : text.slice(site.fn.start, site.names[site.libAt - 1]?.end ?? site.fn.start);
  const activate = site.names[site.libAt + 3];
  if (nixpkgs !== undefined && activate !== undefined) {
    const newText = `(import ${nixpkgs} { system = "${site.system}"; crossSystem.system = "${site.target}"; overlays = [ ${deployRs}.overlay ]; }).deploy-rs.lib.activate.nixos`;
    fixes.push({ title: `Cross-build the activation for ${site.target} with deploy-rs's overlay`, edits: [{ start: site.fn.start, end: activate.end, newText }] });
  }
  return fixes;
}

function selectRoot(select: SyntaxNode): SyntaxNode {
  return select.children.find((c): c is SyntaxNode => c.type === 'node') ?? select;
}

/** How the outputs function names the nixpkgs input: `nixpkgs`, or `inputs.nixpkgs` through an @-pattern. */
function nixpkgsExpression(analysis: Analysis): string | undefined {
  const lambda = analysis.flake?.outputsLambda;
  if (lambda === undefined) return undefined;
  if (outputsFormals(lambda, analysis.text).some((f) => f.name === 'nixpkgs')) return 'nixpkgs';
  const argName = outputsArgName(lambda, analysis.text);
  return argName === undefined ? undefined : `${argName}.nixpkgs`;
}

/** Adds `system` to an emulatedSystems list written in this file, or writes the option next to the other boot options. */
export function addEmulation(analysis: Analysis, config: NixosConfiguration, system: string): ReturnType<typeof insertAfter> | undefined {
  const { text, index } = analysis;
  for (const b of config.option(['boot', 'binfmt', 'emulatedSystems'])) {
    const list = unwrapValue(b.value, text);
    if (list?.kind === 'List') return appendToList(text, list, `"${system}"`);
  }
  const line = `boot.binfmt.emulatedSystems = [ "${system}" ];`;
  for (const set of config.moduleSets) {
    const direct = index.membersOf(set);
    const boot = direct.filter((b) => b.path[b.path.length - b.ownLength]?.name === 'boot' && b.ownLength > 1);
    const last = boot.at(-1);
    if (last !== undefined) return insertAfter(text, last.node, line);
  }
  const first = config.moduleSets.find((s) => index.membersOf(s).some((b) => b.path[b.path.length - b.ownLength]?.name !== 'imports')) ?? config.moduleSets[0];
  return first === undefined ? undefined : insertIntoSet(text, first, line);
}

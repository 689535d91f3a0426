import type { SyntaxNode } from '../lang';
import type { Finding, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import { closest, isKnownDouble, KNOWN_DOUBLES, looksLikeDouble, systemOfTriple } from './query/systems';
import { applyFunction, applyParts, lastName, listElements, literalString, selectPath, stringContentRange } from './query/values';

/** Outputs whose second attribute is a system (`packages.<system>.x`). */
const PER_SYSTEM_OUTPUTS: ReadonlySet<string> = new Set([
  'packages', 'legacyPackages', 'apps', 'devShells', 'checks', 'formatter', 'bundlers',
  'defaultPackage', 'defaultApp', 'devShell', 'defaultBundler',
]);
/** Options and arguments whose string value is a system. */
const SYSTEM_VALUED: ReadonlySet<string> = new Set(['system', 'hostPlatform', 'buildPlatform', 'localSystem', 'crossSystem']);
/** Lists of systems. */
const SYSTEM_LISTS: ReadonlySet<string> = new Set(['emulatedSystems', 'supportedSystems']);
const SYSTEM_LIST_FUNCTIONS: ReadonlySet<string> = new Set(['eachSystem', 'eachSystemMap', 'eachSystemPassThrough', 'genAttrs']);
/** Selects whose next name is a system: `nixpkgs.legacyPackages.<system>`, `deploy-rs.lib.<system>`. */
const SYSTEM_AFTER: ReadonlySet<string> = new Set(['legacyPackages', 'packages', 'apps', 'devShells', 'checks', 'lib', 'system', 'formatter']);

export const flakeUnknownSystemRule: Rule = {
  id: 'flake-unknown-system',
  defaultSeverity: 'error',
  description:
    'A system double Nix does not know (`x86_64-linx`, `armv7-linux`), in a per-system output, a `system`/platform setting, an emulatedSystems list or a select such as `legacyPackages.<system>`. Nix cannot elaborate the platform, or the attribute simply does not exist, so evaluation fails or the output is never built. The message suggests the closest known double.',
  check(context) {
    const { flake, index, text } = analysisOf(context);
    const findings: Finding[] = [];
    const seen = new Set<SyntaxNode>();
    const report = (name: string, node: SyntaxNode, range: { start: number; end: number }, where: string): void => {
      if (seen.has(node) || isKnownDouble(name)) return;
      seen.add(node);
      const suggestion = closest(name, KNOWN_DOUBLES);
      findings.push(
        makeFinding(
          flakeUnknownSystemRule,
          range,
          `'${name}' is not a system Nix knows (${where}): evaluation fails or the output is never built.${suggestion === undefined ? ' Use a double from lib.systems.doubles.all, such as x86_64-linux or armv7l-linux.' : ` Did you mean '${suggestion}'?`}`,
          { fixes: suggestion === undefined ? [] : [{ title: `Change to '${suggestion}'`, edits: [{ start: range.start, end: range.end, newText: suggestion }], isPreferred: true }] },
        ),
      );
    };
    const checkString = (node: SyntaxNode | undefined, where: string, triplesToo: boolean): void => {
      if (node === undefined) return;
      const value = literalString(node, text);
      const range = stringContentRange(node);
      if (value === undefined || range === undefined || value.includes('${')) return;
      if (triplesToo && value.split('-').length > 2 && systemOfTriple(value) !== undefined) return;
      report(value, node, range, where);
    };

    for (const root of flake?.outputRoots ?? []) {
      if (root.perSystem) continue;
      const info = index.setInfo(root.set);
      if (info === undefined) continue;
      for (const b of index.bindingsUnder(root.set)) {
        const rel = b.path.slice(info.prefix.length);
        const system = rel[1];
        if (rel[0]?.name === undefined || !PER_SYSTEM_OUTPUTS.has(rel[0].name) || system?.name === undefined) continue;
        const range = system.node.kind === 'String' ? stringContentRange(system.node) : system.node;
        if (range !== undefined) report(system.name, system.node, range, `in the per-system output ${rel[0].name}`);
      }
    }
    for (const name of SYSTEM_VALUED) {
      for (const b of index.bindingsNamed(name)) checkString(b.value, `as ${name}`, true);
    }
    for (const name of SYSTEM_LISTS) {
      for (const b of index.bindingsNamed(name)) for (const e of listElements(b.value, text).elements) checkString(e, `in ${name}`, false);
    }
    for (const apply of index.nodesOf('Apply')) {
      const head = applyFunction(apply);
      const fn = head === undefined ? undefined : lastName(head, text);
      if (fn === undefined || !SYSTEM_LIST_FUNCTIONS.has(fn) || apply.parent?.kind === 'Apply') continue;
      const parts = applyParts(apply);
      if (parts === undefined) continue;
      for (const e of listElements(parts.args[0], text).elements) checkString(e, `in the systems given to ${fn}`, false);
    }
    for (const path of index.nodesOf('AttrPath')) {
      // Cheap filter first: a system double has a dash, most attribute paths do not.
      if (path.parent?.kind !== 'Select' || !hasDash(text, path.start, path.end)) continue;
      const sel = selectPath(path.parent, text);
      if (sel === undefined) continue;
      for (let i = 0; i < sel.names.length; i++) {
        const name = sel.names[i];
        const node = sel.nameNodes[i];
        const before = i === 0 ? lastName(sel.root, text) : sel.names[i - 1];
        if (name === undefined || node === undefined || before === undefined || !SYSTEM_AFTER.has(before) || !looksLikeDouble(name)) continue;
        const range = node.kind === 'String' ? stringContentRange(node) : node;
        if (range !== undefined) report(name, node, range, `after .${before}`);
      }
    }
    return findings;
  },
};

/** Whether text[start, end) has a '-' (a bounded scan: indexOf would run on to the end of the file). */
function hasDash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 45) return true;
  return false;
}

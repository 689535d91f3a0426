import type { Finding, Fix, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import { sha256ToSri } from './query/nix-hash';
import { dottedName, literalString, stringContentRange, unwrapValue } from './query/values';

export const cargoSha256DeprecatedRule: Rule = {
  id: 'cargo-sha256-deprecated',
  defaultSeverity: 'warning',
  description:
    '`cargoSha256` in buildRustPackage is deprecated in favour of `cargoHash` (an SRI hash, `sha256-…`) (nixpkgs prints "cargoSha256 is deprecated. Please use cargoHash with SRI hash instead"), and newer nixpkgs drops it, so the package stops building on an update. The quick fix renames it and converts a base32 or hex hash to SRI; the vendored crates are the same, so the hash stays valid.',
  check(context) {
    const { index, text } = analysisOf(context);
    const findings: Finding[] = [];
    for (const b of index.bindingsNamed('cargoSha256')) {
      const name = b.path[b.path.length - 1];
      if (name === undefined || name.node.kind !== 'Name' || b.ownLength !== 1) continue;
      const fix = renameFix(b.value, name.node, text);
      findings.push(
        makeFinding(
          cargoSha256DeprecatedRule,
          name.node,
          `cargoSha256 is deprecated: nixpkgs warns about it on every evaluation and newer nixpkgs drops it, so this package stops building when nixpkgs is updated. Use cargoHash with an SRI hash (sha256-…)${fix === undefined ? '; if the value is not a SHA-256 hash, set cargoHash = lib.fakeHash and copy the hash the failed build prints' : ''}.`,
          { fixes: fix === undefined ? [] : [fix], tags: ['deprecated'] },
        ),
      );
    }
    return findings;
  },
};

function renameFix(valueNode: Parameters<typeof unwrapValue>[0], name: { start: number; end: number }, text: string): Fix | undefined {
  const rename = { start: name.start, end: name.end, newText: 'cargoHash' };
  const value = unwrapValue(valueNode, text);
  if (value === undefined) return undefined;
  const dotted = dottedName(value, text);
  if (dotted?.at(-1) === 'fakeSha256') {
    return { title: 'Use cargoHash = lib.fakeHash', edits: [rename, { start: value.start, end: value.end, newText: [...dotted.slice(0, -1), 'fakeHash'].join('.') }], isPreferred: true };
  }
  const literal = literalString(value, text);
  const range = stringContentRange(value);
  if (literal === undefined || range === undefined) return undefined;
  if (literal === '') return { title: 'Rename to cargoHash', edits: [rename], isPreferred: true };
  const sri = sha256ToSri(literal);
  if (sri === undefined) return undefined;
  if (sri === literal) return { title: 'Rename to cargoHash', edits: [rename], isPreferred: true };
  return { title: `Rename to cargoHash with the SRI hash ${sri}`, edits: [rename, { start: range.start, end: range.end, newText: sri }], isPreferred: true };
}

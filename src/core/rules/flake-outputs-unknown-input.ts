import type { Fix, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import { insertAfter, insertIntoSet } from './query/edits';
import { outputsFormals } from './query/flake';

/**
 * What the global flake registry (channels.nixos.org/flake-registry.json) maps these names
 * to. An undeclared input is looked up there at lock time; the fix writes the same reference
 * down, so the flake no longer depends on what the registry says on the day it is locked.
 */
const REGISTRY: Readonly<Record<string, string>> = {
  nixpkgs: 'github:NixOS/nixpkgs/nixpkgs-unstable',
  'flake-utils': 'github:numtide/flake-utils',
  'flake-parts': 'github:hercules-ci/flake-parts',
  'home-manager': 'github:nix-community/home-manager',
  'nixos-hardware': 'github:NixOS/nixos-hardware',
  'sops-nix': 'github:Mic92/sops-nix',
  disko: 'github:nix-community/disko',
  nur: 'github:nix-community/NUR',
  fenix: 'github:nix-community/fenix',
  systems: 'github:nix-systems/default',
  templates: 'github:NixOS/templates',
  nix: 'github:NixOS/nix',
};

export const flakeOutputsUnknownInputRule: Rule = {
  id: 'flake-outputs-unknown-input',
  defaultSeverity: 'warning',
  description:
    "`outputs` takes an argument that is neither `self` nor declared in `inputs`. Nix then resolves the name through the flake registry, so the flake builds against whatever the registry says on the day it is locked, and fails on machines whose registry lacks the name. Declare the input explicitly.",
  check(context) {
    const { flake, text } = analysisOf(context);
    if (flake?.outputsLambda === undefined) return [];
    const findings = [];
    for (const formal of outputsFormals(flake.outputsLambda, text)) {
      if (formal.name === 'self' || formal.hasDefault || flake.inputs.has(formal.name)) continue;
      const url = REGISTRY[formal.name] ?? `flake:${formal.name}`;
      const fix = declareInput(text, flake, formal.name, url);
      const known = REGISTRY[formal.name] !== undefined;
      findings.push(
        makeFinding(
          flakeOutputsUnknownInputRule,
          formal.node,
          `'${formal.name}' is not declared in inputs, so Nix looks it up in the flake registry when locking: the flake gets whatever the registry points to that day${known ? ` (now ${url})` : ''}, and fails where the registry has no '${formal.name}'. Declare inputs.${formal.name}.url.`,
          { fixes: fix === undefined ? [] : [fix] },
        ),
      );
    }
    return findings;
  },
};

function declareInput(text: string, flake: NonNullable<ReturnType<typeof analysisOf>['flake']>, name: string, url: string): Fix | undefined {
  const title = `Declare inputs.${name}.url = "${url}"`;
  // Inside an `inputs = { … };` set when there is one, else next to the other inputs.
  const inputsSet = flake.inputBindings.find((b) => b.path.length - b.ownLength === 1)?.set;
  if (inputsSet !== undefined && inputsSet !== flake.top) {
    const edit = insertIntoSet(text, inputsSet, `${name}.url = "${url}";`);
    return edit === undefined ? undefined : { title, edits: [edit], isPreferred: true };
  }
  const last = flake.inputBindings.at(-1);
  if (last !== undefined) return { title, edits: [insertAfter(text, last.node, `inputs.${name}.url = "${url}";`)], isPreferred: true };
  const outputs = flake.outputsBinding;
  if (outputs === undefined) return undefined;
  const edit = insertIntoSet(text, flake.top, `inputs.${name}.url = "${url}";`);
  return edit === undefined ? undefined : { title, edits: [edit], isPreferred: true };
}

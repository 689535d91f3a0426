import type { Rule } from './rule';
import { makeFinding } from './make-finding';

export const undefinedVariableRule: Rule = {
  id: 'undefined-variable',
  defaultSeverity: 'error',
  syntaxOrScope: true,
  description:
    'A name no let, rec set, function argument or builtin binds. Nix reports it before evaluating anything, so the flake cannot be built. Names inside `with` are never reported: they may come from the `with` set.',
  check({ scopes }) {
    return scopes.undefinedReferences.map((r) =>
      makeFinding(undefinedVariableRule, r.node, `Undefined variable '${r.name}': Nix stops before evaluating anything. Bind it (let, a function argument, an input of outputs) or fix the spelling.`),
    );
  },
};

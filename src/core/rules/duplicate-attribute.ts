import type { Rule } from './rule';
import { makeFinding } from './make-finding';

export const duplicateAttributeRule: Rule = {
  id: 'duplicate-attribute',
  defaultSeverity: 'error',
  syntaxOrScope: true,
  description:
    'An attribute defined twice in one set (also through dotted paths), or a function argument listed twice. Nix rejects the file while parsing it: remove or merge one of the definitions.',
  check({ parse }) {
    return parse.errors
      .filter((e) => e.code === 'duplicate-attribute' || e.code === 'duplicate-formal')
      .map((e) => makeFinding(duplicateAttributeRule, e, `${e.message} Nix refuses the file: remove one definition or merge them into one set.`));
  },
};

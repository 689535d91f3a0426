import type { Rule } from './rule';
import { makeFinding } from './make-finding';

/** Everything Nix's parser rejects other than duplicates: `nix build` stops here before evaluating. */
export const syntaxErrorRule: Rule = {
  id: 'syntax-error',
  defaultSeverity: 'error',
  syntaxOrScope: true,
  description:
    'Text Nix cannot parse (a missing `;`, an unclosed brace, a dynamic attribute in `let`, a path ending in `/`, an integer too large). Nix refuses the whole file, so no build, flash or deploy can start. The pipe operators `|>` and `<|` parse only with the pipe-operators experimental feature and are reported as a warning.',
  check({ parse }) {
    return parse.errors
      .filter((e) => e.code !== 'duplicate-attribute' && e.code !== 'duplicate-formal')
      .map((e) =>
        e.code === 'pipe-operator'
          ? makeFinding(syntaxErrorRule, e, `${e.message} Nix versions without the pipe-operators experimental feature refuse this file.`, { severity: 'warning' })
          : makeFinding(syntaxErrorRule, e, `${e.message} Nix refuses the file until this is fixed.`),
      );
  },
};

import type { SyntaxNode } from '../lang';
import type { Rule } from './rule';
import { makeFinding } from './make-finding';
import { removeMember } from './query/edits';
import { attrName } from '../lang';

/**
 * Let bindings nothing reads. Lambda formals (self, lib, config…) are left alone: module and
 * flake functions conventionally name arguments they do not use.
 */
export const unusedBindingRule: Rule = {
  id: 'unused-binding',
  defaultSeverity: 'hint',
  syntaxOrScope: true,
  description:
    'A `let` binding that nothing uses: often a leftover or a typo in the name that was meant to use it. Names starting with `_` are meant to be unused and are not reported; function arguments are never reported.',
  check({ scopes, text }) {
    const findings = [];
    const membersByLet = new Map<SyntaxNode, Map<string, SyntaxNode[]>>();
    for (const b of scopes.bindings) {
      if (b.scope.kind !== 'LetIn' || (b.kind !== 'let' && b.kind !== 'inherit') || b.references.length > 0 || b.name.startsWith('_')) continue;
      let members = membersByLet.get(b.scope);
      if (members === undefined) membersByLet.set(b.scope, (members = letMembers(b.scope, text)));
      const edits = b.kind === 'let' ? members.get(b.name)?.map((m) => removeMember(text, m)) : removeInheritedName(b.node, text);
      findings.push(
        makeFinding(unusedBindingRule, b, `'${b.name}' is bound but never used: remove it, or use it where it was meant to be used.`, {
          tags: ['unnecessary'],
          fixes: edits === undefined ? [] : [{ title: `Remove '${b.name}'`, edits, isPreferred: true }],
        }),
      );
    }
    return findings;
  },
};

/** The let's Binding members by first name (`a.x = 1; a.y = 2;` both define a). */
function letMembers(letIn: SyntaxNode, text: string): Map<string, SyntaxNode[]> {
  const out = new Map<string, SyntaxNode[]>();
  for (const m of letIn.children) {
    if (m.type !== 'node' || m.kind !== 'Binding') continue;
    const path = m.children.find((c): c is SyntaxNode => c.type === 'node' && c.kind === 'AttrPath');
    const first = path?.children.find((c): c is SyntaxNode => c.type === 'node');
    const name = first === undefined ? undefined : attrName(first, text);
    if (name === undefined) continue;
    const list = out.get(name);
    if (list === undefined) out.set(name, [m]);
    else list.push(m);
  }
  return out;
}

/** One name of an `inherit`; the whole inherit when it is the only name. */
function removeInheritedName(name: SyntaxNode, text: string): ReturnType<typeof removeMember>[] | undefined {
  const inherit = name.parent;
  if (inherit?.kind !== 'Inherit') return undefined;
  const names = inherit.children.filter((c) => c.type === 'node' && c.kind !== 'Paren');
  if (names.length === 1) return [removeMember(text, inherit)];
  let end = name.end;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return [{ start: name.start, end, newText: '' }];
}

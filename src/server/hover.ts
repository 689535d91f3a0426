/** Hovers: the documentation of every rule whose finding is under the cursor. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { RULES } from '../core/rules';
import type { Analysis } from './analysis';

const RULE_DOCS = new Map(RULES.map((rule) => [rule.id, rule.description]));

export function hover(document: TextDocument, analysis: Analysis, position: Position): Hover | null {
  const offset = document.offsetAt(position);
  const here = analysis.findings.filter((f) => f.start <= offset && offset <= f.end);
  const ids = [...new Set(here.map((f) => f.ruleId))];
  const sections = ids.flatMap((id) => {
    const doc = RULE_DOCS.get(id);
    return doc === undefined ? [] : [`**${id}** (NixOS Devices)\n\n${doc}`];
  });
  if (sections.length === 0) return null;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') } };
}

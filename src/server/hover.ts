/** Hovers: the documentation of every rule whose finding is under the cursor. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { flakeOutline } from '../core/flake-outline';
import { RULES } from '../core/rules';
import type { Analysis } from './analysis';
import { OUTPUT_KIND_DOCS, pkgsCrossDoc } from './hover-docs';

const RULE_DOCS = new Map(RULES.map((rule) => [rule.id, rule.description]));

export function hover(document: TextDocument, analysis: Analysis, position: Position): Hover | null {
  const offset = document.offsetAt(position);
  const here = analysis.findings.filter((f) => f.start <= offset && offset <= f.end);
  const ids = [...new Set(here.map((f) => f.ruleId))];
  const sections = ids.flatMap((id) => {
    const doc = RULE_DOCS.get(id);
    return doc === undefined ? [] : [`**${id}** (NixOS Devices)\n\n${doc}`];
  });
  const word = wordAt(analysis.parse.text, offset);
  if (word !== undefined) {
    const before = analysis.parse.text.slice(Math.max(0, word.start - 10), word.start);
    const cross = before.endsWith('pkgsCross.') ? pkgsCrossDoc(word.text) : undefined;
    if (cross !== undefined) sections.push(cross);
    const output = flakeOutline(analysis.parse.root, analysis.parse.text).outputs.find((o) => o.nameStart <= offset && offset <= o.nameEnd);
    const doc = output === undefined ? undefined : OUTPUT_KIND_DOCS[output.name];
    if (doc !== undefined) sections.push(`**${output?.name ?? ''}** (flake output)\n\n${doc}`);
  }
  if (sections.length === 0) return null;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') } };
}

/** The attribute-name-like word under the offset (letters, digits, `_`, `-`, `'`). */
function wordAt(text: string, offset: number): { text: string; start: number } | undefined {
  const isWord = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_'-]/.test(c);
  let start = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && isWord(text[end])) end++;
  return end > start ? { text: text.slice(start, end), start } : undefined;
}

/** Quick fixes: each fix of each finding that overlaps the requested range. */
import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysis';
import { toCodeAction, toDiagnostic } from './convert';

export function codeActions(document: TextDocument, analysis: Analysis, params: CodeActionParams): CodeAction[] {
  const from = document.offsetAt(params.range.start);
  const to = document.offsetAt(params.range.end);
  const actions: CodeAction[] = [];
  for (const finding of analysis.findings) {
    if (finding.fixes.length === 0) continue;
    // Touching counts: a cursor right after the flagged text still offers the fix.
    if (finding.end < from || finding.start > to) continue;
    const diagnostic = toDiagnostic(document, finding);
    for (const fix of finding.fixes) actions.push(toCodeAction(document, fix, diagnostic));
  }
  return actions;
}

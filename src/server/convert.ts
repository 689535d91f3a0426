/** Conversions between core findings (offsets) and LSP types (positions). */
import { CodeActionKind, DiagnosticSeverity, DiagnosticTag, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Fix, Severity } from '../core/rules';

export const DIAGNOSTIC_SOURCE = 'nixos-devices';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function rangeOf(document: TextDocument, start: number, end: number): Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

export function toDiagnostic(document: TextDocument, finding: Finding): Diagnostic {
  const tags = (finding.tags ?? []).map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  return {
    range: rangeOf(document, finding.start, finding.end),
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    ...(tags.length > 0 ? { tags } : {}),
  };
}

export function toCodeAction(document: TextDocument, fix: Fix, diagnostic: Diagnostic): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    ...(fix.isPreferred === true ? { isPreferred: true } : {}),
    edit: {
      changes: {
        [document.uri]: fix.edits.map((edit) => ({ range: rangeOf(document, edit.start, edit.end), newText: edit.newText })),
      },
    },
  };
}

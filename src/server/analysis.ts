/**
 * One analysis per document version: parse, scopes and rules run once and are shared by
 * diagnostics, code actions, hovers and symbols. Results for an older version are never served.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkText, type Finding, type InputPackages } from '../core/rules';
import type { LintSettings } from '../core/settings';
import type { ParseResult } from '../core/lang';

export interface Analysis {
  readonly version: number;
  readonly parse: ParseResult;
  readonly findings: readonly Finding[];
}

export class AnalysisCache {
  private readonly entries = new Map<string, { version: number; settings: LintSettings; analysis: Analysis }>();

  constructor(
    private readonly today: () => Date = () => new Date(),
    /** Known package names of the document's flake inputs (asked of the client). */
    private readonly inputPackages: (uri: string) => InputPackages | undefined = () => undefined,
  ) {}

  get(document: TextDocument, settings: LintSettings): Analysis {
    const cached = this.entries.get(document.uri);
    if (cached !== undefined && cached.version === document.version && cached.settings === settings) return cached.analysis;
    const text = document.getText();
    const severityOverrides = settings.rules;
    const inputPackages = this.inputPackages(document.uri);
    const result = checkText(text, { today: this.today(), syntaxAndScope: settings.syntaxAndScope, severityOverrides, ...(inputPackages === undefined ? {} : { inputPackages }) });
    const analysis: Analysis = { version: document.version, parse: result.parse, findings: result.findings };
    this.entries.set(document.uri, { version: document.version, settings, analysis });
    return analysis;
  }

  drop(uri: string): void {
    this.entries.delete(uri);
  }
}

/**
 * Pushes diagnostics after a short per-document debounce that a newer change cancels; a result
 * computed for an older version is dropped, never shown over a newer one.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisCache } from './analysis';
import { toDiagnostic } from './convert';
import type { DocumentSettings } from './settings';

/** Long enough to skip the states between two keystrokes, short enough to feel live. */
export const DIAGNOSTICS_DEBOUNCE_MS = 150;

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly analyses: AnalysisCache,
    private readonly settings: DocumentSettings,
  ) {}

  schedule(document: TextDocument, delayMs = DIAGNOSTICS_DEBOUNCE_MS): void {
    const previous = this.timers.get(document.uri);
    if (previous !== undefined) clearTimeout(previous);
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        void this.publish(document.uri, document.version).catch((error: unknown) => {
          this.connection.console.error(`diagnostics for ${document.uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        });
      }, delayMs),
    );
  }

  scheduleAll(): void {
    for (const document of this.documents.all()) this.schedule(document, 0);
  }

  private async publish(uri: string, version: number): Promise<void> {
    const settings = await this.settings.get(uri);
    const document = this.documents.get(uri);
    if (document === undefined || document.version !== version) return; // closed or changed since
    const diagnostics = settings.enable ? this.analyses.get(document, settings).findings.map((f) => toDiagnostic(document, f)) : [];
    await this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  clear(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

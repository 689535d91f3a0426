/**
 * The server: a connection and its documents, with one small file per feature. Handlers only
 * convert between LSP and core (lang, rules, flake-outline). It never imports `vscode`, so any
 * LSP client can drive it.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache } from './analysis';
import { codeActions } from './code-actions';
import { codeLenses } from './code-lens';
import { completions } from './completion';
import { DiagnosticsPublisher } from './diagnostics';
import { documentSymbols } from './document-symbols';
import { hover } from './hover';
import { flakeDirOf, InputPackagesAsker } from './input-packages';
import { DocumentSettings } from './settings';

export interface ServerOptions {
  /** Pins "today" for date-dependent rules (tests). */
  readonly today?: () => Date;
}

export function startServer(options: ServerOptions = {}, connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const settings = new DocumentSettings(connection);
  const inputPackages = new InputPackagesAsker(connection, (flakeDir) => reanalyse(flakeDir));
  const analyses = new AnalysisCache(options.today, (uri) => inputPackages.lookupFor(uri));
  const diagnostics = new DiagnosticsPublisher(connection, documents, analyses, settings);
  /** Re-checks a flake's open flake.nix: an answer about its inputs arrived, or its flake.lock changed. */
  function reanalyse(flakeDir: string): void {
    for (const document of documents.all()) {
      if (flakeDirOf(document.uri) !== flakeDir) continue;
      analyses.drop(document.uri);
      diagnostics.schedule(document, 0);
    }
  }

  let lensCommands: ReadonlySet<string> = new Set();
  connection.onInitialize((params): InitializeResult => {
    settings.supportsConfiguration = params.capabilities.workspace?.configuration === true;
    lensCommands = lensCommandsOf(params.initializationOptions);
    inputPackages.enabled = answersInputPackages(params.initializationOptions);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        hoverProvider: true,
        documentSymbolProvider: true,
        completionProvider: { triggerCharacters: ['.', '"', '/', '_'] },
        ...(lensCommands.size > 0 ? { codeLensProvider: { resolveProvider: false } } : {}),
      },
      serverInfo: { name: 'nixos-devices', version: '0.1.0' },
    };
  });

  // flake.lock moved the inputs (the client watches it): answers keyed by the old lock no longer apply.
  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      const flakeDir = change.uri.endsWith('/flake.lock') ? flakeDirOf(change.uri.replace(/flake\.lock$/, 'flake.nix')) : undefined;
      if (flakeDir !== undefined) reanalyse(flakeDir);
    }
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    diagnostics.scheduleAll();
  });

  documents.onDidOpen((event) => diagnostics.schedule(event.document, 0));
  documents.onDidChangeContent((event) => diagnostics.schedule(event.document));
  documents.onDidClose((event) => {
    settings.clear(event.document.uri);
    analyses.drop(event.document.uri);
    diagnostics.clear(event.document.uri);
  });

  connection.onCodeAction(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (document === undefined) return [];
    const lint = await settings.get(document.uri);
    return lint.enable ? codeActions(document, analyses.get(document, lint), params) : [];
  });
  connection.onHover(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (document === undefined) return null;
    return hover(document, analyses.get(document, await settings.get(document.uri)), params.position);
  });
  connection.onDocumentSymbol(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (document === undefined) return [];
    return documentSymbols(document, analyses.get(document, await settings.get(document.uri)));
  });
  connection.onCodeLens(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (document === undefined) return [];
    return codeLenses(document, analyses.get(document, await settings.get(document.uri)), lensCommands);
  });
  connection.onCompletion((params) => {
    const document = documents.get(params.textDocument.uri);
    return document === undefined ? [] : completions(document, params.position);
  });
  connection.onShutdown(() => diagnostics.dispose());

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** The commands a client can run from lenses: `{ lensCommands: string[] }` in initializationOptions. */
function lensCommandsOf(options: unknown): ReadonlySet<string> {
  if (typeof options !== 'object' || options === null || !('lensCommands' in options) || !Array.isArray(options.lensCommands)) return new Set();
  return new Set(options.lensCommands.filter((c): c is string => typeof c === 'string'));
}

/** Whether the client answers INPUT_PACKAGES_REQUEST: `{ inputPackages: true }` in initializationOptions. */
function answersInputPackages(options: unknown): boolean {
  return typeof options === 'object' && options !== null && 'inputPackages' in options && options.inputPackages === true;
}

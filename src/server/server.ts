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
import { DocumentSettings } from './settings';

export interface ServerOptions {
  /** Pins "today" for date-dependent rules (tests). */
  readonly today?: () => Date;
}

export function startServer(options: ServerOptions = {}, connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const settings = new DocumentSettings(connection);
  const analyses = new AnalysisCache(options.today);
  const diagnostics = new DiagnosticsPublisher(connection, documents, analyses, settings);

  let lensCommands: ReadonlySet<string> = new Set();
  connection.onInitialize((params): InitializeResult => {
    settings.supportsConfiguration = params.capabilities.workspace?.configuration === true;
    lensCommands = lensCommandsOf(params.initializationOptions);
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

/**
 * Per-document settings through `workspace/configuration`, cached as promises (one request per
 * document however many features ask) and dropped when configuration changes or the document
 * closes. A client that cannot answer gets the defaults.
 */
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_LINT_SETTINGS, normaliseLintSettings, type LintSettings } from '../core/settings';
import { LINT_SETTINGS_SECTION } from './protocol';

export class DocumentSettings {
  private readonly cache = new Map<string, Promise<LintSettings>>();
  supportsConfiguration = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<LintSettings> {
    if (!this.supportsConfiguration) return Promise.resolve(DEFAULT_LINT_SETTINGS);
    let settings = this.cache.get(uri);
    if (settings === undefined) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: LINT_SETTINGS_SECTION })
        .then(normaliseLintSettings, () => DEFAULT_LINT_SETTINGS);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  clear(uri?: string): void {
    if (uri === undefined) this.cache.clear();
    else this.cache.delete(uri);
  }
}

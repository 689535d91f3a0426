/**
 * Package names of flake inputs for foreign-arch-package's fix, asked of the client
 * (INPUT_PACKAGES_REQUEST) and remembered per flake folder, flake.lock content, input and
 * system. Rules run synchronously: the first analysis gets "unknown" and sends the request; the
 * answer re-runs the analysis of the flake's open documents. A null answer (no Nix, an untrusted
 * workspace, offline) is asked again after a while or when flake.lock changes.
 */
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver';
import { flakeLockHash } from '../core/nix/input-packages';
import type { InputPackages } from '../core/rules';
import { INPUT_PACKAGES_REQUEST, type InputPackagesParams, type InputPackagesResult } from './protocol';

/** How long "cannot tell" stands before the server asks again (nix installed, network back). */
export const NULL_ANSWER_RETRY_MS = 5 * 60_000;
const MAX_ENTRIES = 512;

type Entry = { readonly kind: 'pending' } | { readonly kind: 'answer'; readonly names: readonly string[] | null; readonly at: number };

export class InputPackagesAsker {
  /** Set from the client's initializationOptions (`inputPackages: true`). */
  enabled = false;
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly connection: Connection,
    /** Called with the flake folder when an answer arrives. */
    private readonly onAnswer: (flakeDir: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The lookup rules get for a document; undefined when the client does not answer or the document is not a flake.nix on disk. */
  lookupFor(uri: string): InputPackages | undefined {
    const flakeDir = this.enabled ? flakeDirOf(uri) : undefined;
    if (flakeDir === undefined) return undefined;
    let lockHash: string | undefined;
    return (input, system) => {
      lockHash ??= flakeLockHash(flakeDir);
      const key = JSON.stringify([flakeDir, lockHash, input, system]);
      const entry = this.entries.get(key);
      if (entry === undefined || (entry.kind === 'answer' && entry.names === null && this.now() - entry.at >= NULL_ANSWER_RETRY_MS)) {
        this.ask(key, { flakeDir, input, system });
        return undefined;
      }
      return entry.kind === 'answer' ? (entry.names ?? undefined) : undefined;
    };
  }

  private ask(key: string, params: InputPackagesParams): void {
    this.set(key, { kind: 'pending' });
    this.connection.sendRequest<InputPackagesResult>(INPUT_PACKAGES_REQUEST, params).then(
      (result) => {
        const names = Array.isArray(result) ? result.filter((n): n is string => typeof n === 'string') : null;
        this.set(key, { kind: 'answer', names, at: this.now() });
        this.onAnswer(params.flakeDir);
      },
      (error: unknown) => {
        this.set(key, { kind: 'answer', names: null, at: this.now() });
        this.connection.console.warn(`${INPUT_PACKAGES_REQUEST} for ${params.input} (${params.system}) failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  private set(key: string, entry: Entry): void {
    this.entries.delete(key); // re-insert: Map order is age order
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** The folder of a `file:` flake.nix (Nix reads the flake from disk, so only the real file counts). */
export function flakeDirOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  return basename(path) === 'flake.nix' ? dirname(path) : undefined;
}

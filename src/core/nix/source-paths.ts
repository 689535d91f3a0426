/**
 * Nix evaluates a flake from a copy in the store (/nix/store/<hash>-source), so its errors name
 * that copy. These map such paths back to the workspace folder the user edits.
 */
import { join } from 'node:path';

export interface SourceRoot {
  /** The store copy, e.g. /nix/store/rf0c…-source (from `nix flake metadata --json`'s `path`). */
  readonly storePath: string;
  /** The folder it was copied from. */
  readonly localDir: string;
}

const STORE_SOURCE = /\/nix\/store\/[0-9a-df-np-sv-z]{32}-source(?=\/|$)/g;

/** Maps one file path; a path under none of the roots comes back unchanged. */
export function mapStorePath(file: string, roots: readonly SourceRoot[]): string {
  for (const root of roots) {
    if (file === root.storePath) return root.localDir;
    if (file.startsWith(`${root.storePath}/`)) return join(root.localDir, file.slice(root.storePath.length + 1));
  }
  return file;
}

/**
 * Maps every store source path inside a text (an error message, a log line). With no roots
 * known, a `-source` path is mapped to `fallbackDir` when one is given: a flake's own errors
 * name its own source copy.
 */
export function mapStorePathsInText(text: string, roots: readonly SourceRoot[], fallbackDir?: string): string {
  return text.replace(STORE_SOURCE, (storePath) => {
    const known = roots.find((r) => r.storePath === storePath);
    if (known !== undefined) return known.localDir;
    return fallbackDir ?? storePath;
  });
}

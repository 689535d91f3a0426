/**
 * The client's answer to the server's INPUT_PACKAGES_REQUEST: the package names of a flake input,
 * read by core's readInputPackages (one `nix eval`). Nix evaluates the flake's code, so only for
 * a flake inside a trusted workspace folder, and only when nix runs; otherwise, and when the
 * evaluation fails (offline, an input not yet in flake.lock), the answer is null: the server
 * then offers no fix. Failures are logged, never shown: this runs behind the user's typing.
 */
import * as vscode from 'vscode';
import { InputPackagesCache, readInputPackages } from '../../core/nix/input-packages';
import type { NixCli } from '../../core/nix/nix-cli';
import type { InputPackagesParams, InputPackagesResult } from '../../server/protocol';

/** Fetching an input the store lacks can take a while; a hung fetch must not live forever. */
const EVAL_TIMEOUT_MS = 120_000;

export type InputPackagesHandler = (params: InputPackagesParams, token: vscode.CancellationToken) => Promise<InputPackagesResult>;

export function inputPackagesHandler(nix: () => NixCli, log: vscode.LogOutputChannel): InputPackagesHandler {
  // Lives as long as the client: answers are keyed by each flake.lock's content.
  const cache = new InputPackagesCache();
  return async (params) => {
    if (!isParams(params)) return null;
    if (!vscode.workspace.isTrusted) return null;
    if (vscode.workspace.getWorkspaceFolder(vscode.Uri.file(`${params.flakeDir}/flake.nix`)) === undefined) return null;
    try {
      return await readInputPackages(nix(), params, { cache, signal: AbortSignal.timeout(EVAL_TIMEOUT_MS) });
    } catch (error) {
      // Not instanceof DevicesError: NixCli comes from the extension's bundle, this file from the client's.
      const detail = typeof error === 'object' && error !== null && 'detail' in error && typeof error.detail === 'string' ? `\n${error.detail}` : '';
      log.warn(`No quick fix for ${params.input}.packages.${params.system}: ${error instanceof Error ? error.message : String(error)}${detail}`);
      return null;
    }
  };
}

function isParams(value: unknown): value is InputPackagesParams {
  if (typeof value !== 'object' || value === null) return false;
  const { flakeDir, input, system } = value as Record<string, unknown>;
  return typeof flakeDir === 'string' && flakeDir.startsWith('/') && typeof input === 'string' && typeof system === 'string';
}

/**
 * `nix flake check --no-build` from VS Code: on demand (the Check Flake command) and, when the
 * user opts in with nixosDevices.check.onSave, after saving a .nix file or flake.lock. One run
 * per flake at a time: a newer save cancels the running check. Results go to Problems under the
 * source "nix flake check", replacing that flake's previous results. Never in an untrusted
 * workspace: the check evaluates the flake's code.
 */
import * as vscode from 'vscode';
import { toDevicesError } from '../../core/errors';
import { checkFlake, type FlakeCheckResult } from '../../core/nix';
import type { Config } from '../config';
import type { FlakeWorkspace } from './flake-workspace';

const SOURCE = 'nix flake check';

export class FlakeCheckRunner implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('nixos-devices-flake-check');
  private readonly running = new Map<string, AbortController>();
  private readonly disposables: vscode.Disposable[] = [this.diagnostics];

  constructor(
    private readonly flakes: FlakeWorkspace,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    vscode.workspace.onDidSaveTextDocument((doc) => void this.onSave(doc.uri), undefined, this.disposables);
  }

  /** The innermost flake folder holding `path`, if any. */
  async flakeDirOf(path: string): Promise<string | undefined> {
    const dirs = await this.flakes.getFlakeDirs();
    return dirs.filter((dir) => path === dir || path.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length)[0];
  }

  /** Checks one flake, cancelling a check of it still running; resolves with Nix's verdict. */
  async check(flakeDir: string): Promise<FlakeCheckResult | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    this.running.get(flakeDir)?.abort();
    const controller = new AbortController();
    this.running.set(flakeDir, controller);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking flake {0}…', vscode.workspace.asRelativePath(flakeDir)) },
        () => checkFlake(this.flakes.nixCli, flakeDir, controller.signal),
      );
      if (controller.signal.aborted) return undefined;
      this.publish(flakeDir, result);
      return result;
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      const devicesError = toDevicesError(error, `nix flake check in ${flakeDir}`);
      this.log.error(`${devicesError.message}${devicesError.detail === undefined ? '' : `\n${devicesError.detail}`}`);
      this.publish(flakeDir, { passed: false, problems: [{ severity: 'error', message: devicesError.message, ...(devicesError.location === undefined ? {} : { location: devicesError.location }) }] });
      return undefined;
    } finally {
      if (this.running.get(flakeDir) === controller) this.running.delete(flakeDir);
    }
  }

  private async onSave(uri: vscode.Uri): Promise<void> {
    if (!this.config.settings.checkOnSave || uri.scheme !== 'file') return;
    const path = uri.fsPath;
    if (!path.endsWith('.nix') && !path.endsWith('/flake.lock')) return;
    const flakeDir = await this.flakeDirOf(path);
    if (flakeDir !== undefined) await this.check(flakeDir);
  }

  private publish(flakeDir: string, result: FlakeCheckResult): void {
    this.diagnostics.forEach((uri) => {
      if (uri.fsPath.startsWith(`${flakeDir}/`)) this.diagnostics.delete(uri);
    });
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of result.problems) {
      // A message about the flake as a whole goes on the first line of its flake.nix.
      const file = problem.location?.file ?? `${flakeDir}/flake.nix`;
      const line = Math.max(0, (problem.location?.line ?? 1) - 1);
      const column = Math.max(0, (problem.location?.column ?? 1) - 1);
      const start = new vscode.Position(line, column);
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(start, start.translate(0, 1)),
        problem.message,
        problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = SOURCE;
      byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    for (const controller of this.running.values()) controller.abort();
    this.disposables.forEach((d) => {
      d.dispose();
    });
  }
}

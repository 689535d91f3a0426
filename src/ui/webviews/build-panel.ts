/**
 * The Build view: a webview panel that follows one build at a time, redrawn at most every
 * 100 ms from core's progress snapshot. An open panel is reused for the next build. Messages
 * from the webview are validated before anything is done with them.
 */
import * as vscode from 'vscode';
import { readDerivationGraph, type BuildHandle, type DerivationGraph, type NixCli } from '../../core/nix';
import type { BuildViewState, FromWebview, ToWebview } from '../../../webview/build/protocol';
import { buildViewState } from './build-view-state';
import { webviewHtml, webviewOptions } from './webview-html';
import { BUILD_VIEW_TYPE } from '../contribution-ids';

/** Redraws at most this often: a big build sends thousands of events a second. */
export const REDRAW_INTERVAL_MS = 100;

function isMessage(value: unknown): value is FromWebview {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  const m = value as Record<string, unknown>;
  switch (m['type']) {
    case 'ready':
    case 'cancel':
      return true;
    case 'openLog':
      return typeof m['drvPath'] === 'string' && m['drvPath'].startsWith('/nix/store/') && m['drvPath'].endsWith('.drv');
    case 'reveal':
    case 'copyPath':
      return typeof m['path'] === 'string' && m['path'].startsWith('/');
    default:
      return false;
  }
}

export class BuildPanel implements vscode.Disposable {
  private static current: BuildPanel | undefined;
  private static readonly rendered = new vscode.EventEmitter<BuildViewState>();
  /** Every state the Build view is sent, as it is sent: what the user sees, in order. */
  static readonly onDidRender = BuildPanel.rendered.event;
  private readonly disposables: vscode.Disposable[] = [];
  private buildDisposables: vscode.Disposable[] = [];
  private handle: BuildHandle | undefined;
  private graph: DerivationGraph | undefined;
  private etaMs: number | undefined;
  private closureBytes: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastVersion = -1;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'build', 'Build');
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m), undefined, this.disposables);
  }

  /** Shows the panel (reusing an open one) following this build. */
  static show(extensionUri: vscode.Uri, handle: BuildHandle, nix: NixCli, installables: readonly string[], cwd: string, etaMs?: number): BuildPanel {
    let panel = BuildPanel.current;
    if (panel === undefined) {
      const webviewPanel = vscode.window.createWebviewPanel(BUILD_VIEW_TYPE, vscode.l10n.t('Build'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
      panel = new BuildPanel(webviewPanel, extensionUri);
      BuildPanel.current = panel;
    } else {
      panel.panel.reveal(undefined, true);
    }
    panel.follow(handle, nix, installables, cwd, etaMs);
    return panel;
  }

  /** Adds the closure size to the result of `handle`'s build, if the view still shows it. */
  static showClosureBytes(handle: BuildHandle, bytes: number): void {
    const panel = BuildPanel.current;
    if (panel?.handle !== handle) return;
    panel.closureBytes = bytes;
    panel.post(true);
  }

  /** Reveals the open Build view; false when there is none. */
  static reveal(): boolean {
    BuildPanel.current?.panel.reveal();
    return BuildPanel.current !== undefined;
  }

  /** Restores a panel after a window reload: the webview redraws its saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    panel.webview.options = webviewOptions(extensionUri);
    BuildPanel.current?.dispose();
    BuildPanel.current = new BuildPanel(panel, extensionUri);
  }

  private follow(handle: BuildHandle, nix: NixCli, installables: readonly string[], cwd: string, etaMs: number | undefined): void {
    this.buildDisposables.forEach((d) => {
      d.dispose();
    });
    this.buildDisposables = [];
    this.handle = handle;
    this.graph = undefined;
    this.etaMs = etaMs;
    this.closureBytes = undefined;
    this.lastVersion = -1;
    this.panel.title = handle.job.title;
    // The tree's edges come from the .drv graph; until it is read, a flat list is shown.
    readDerivationGraph(nix, installables, { cwd, signal: handle.job.signal }).then(
      (graph) => {
        if (this.handle === handle) {
          this.graph = graph;
          this.lastVersion = -1;
        }
      },
      () => undefined, // an evaluation error is the build's to report
    );
    const sub = handle.job.onEvent((event) => {
      if (event.kind === 'result') this.post(true);
    });
    this.buildDisposables.push(sub);
    this.timer ??= setInterval(() => this.post(false), REDRAW_INTERVAL_MS);
  }

  private post(force: boolean): void {
    const handle = this.handle;
    if (handle === undefined) return;
    const snapshot = handle.progress.snapshot();
    const outcome = handle.job.outcome;
    // Redraw when something changed, and once a second while running for the elapsed times.
    const tick = outcome === undefined && Date.now() % 1000 < REDRAW_INTERVAL_MS;
    if (!force && snapshot.version === this.lastVersion && !tick) return;
    this.lastVersion = snapshot.version;
    const state = buildViewState({
      title: handle.job.title,
      phase: handle.job.phase ?? 'starting',
      snapshot,
      ...(this.graph === undefined ? {} : { graph: this.graph }),
      ...(outcome === undefined ? {} : { outcome }),
      ...(this.etaMs === undefined ? {} : { etaMs: Math.max(0, this.etaMs - (Date.now() - snapshot.startedAt)) }),
      ...(this.closureBytes === undefined ? {} : { closureBytes: this.closureBytes }),
      now: Date.now(),
    });
    const message: ToWebview = { type: 'state', state };
    void this.panel.webview.postMessage(message);
    BuildPanel.rendered.fire(state);
    if (outcome !== undefined && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isMessage(raw)) return;
    switch (raw.type) {
      case 'ready':
        this.lastVersion = -1;
        this.post(true);
        break;
      case 'cancel':
        this.handle?.job.cancel();
        break;
      case 'openLog':
        await vscode.commands.executeCommand('nixosDevices.openBuildLog', raw.drvPath);
        break;
      case 'reveal':
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(raw.path));
        break;
      case 'copyPath':
        await vscode.env.clipboard.writeText(raw.path);
        break;
      default: {
        const unexpected: never = raw;
        void unexpected;
      }
    }
  }

  dispose(): void {
    if (BuildPanel.current === this) BuildPanel.current = undefined;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    [...this.buildDisposables, ...this.disposables].forEach((d) => {
      d.dispose();
    });
    this.buildDisposables = [];
    this.panel.dispose();
  }
}

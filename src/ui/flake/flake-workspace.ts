/**
 * The workspace's flakes and their outputs, for the Flake and Devices views and the pickers.
 * Nothing is evaluated until a view asks (activation stays cheap) and never in an untrusted
 * workspace. Outputs are cached by the flake's source hash; any file change in a flake folder
 * re-reads its metadata, and only a changed source is evaluated again. An evaluation error is
 * kept as the flake's state (shown in the tree) and put in Problems at its file and line.
 */
import * as vscode from 'vscode';
import { toDevicesError, type DevicesError } from '../../core/errors';
import { FlakeOutputsCache, listFlakeOutputs, NixCli, resolveFlakeDirs, type FlakeOutputs } from '../../core/nix';
import type { Config } from '../config';
import { channelLogger } from '../log';

export type FlakeState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly previous?: FlakeOutputs }
  | { readonly status: 'ready'; readonly outputs: FlakeOutputs }
  | { readonly status: 'error'; readonly error: DevicesError };

/** Waits this long after the last file event before re-reading: saving many files at once
 * (a formatter, a git checkout) costs one evaluation. */
const CHANGE_DEBOUNCE_MS = 400;

export class FlakeWorkspace implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly states = new Map<string, FlakeState>();
  private readonly loads = new Map<string, Promise<void>>();
  private readonly cache = new FlakeOutputsCache();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('nixos-devices-flake');
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private flakeDirs: string[] | undefined;
  private nix: NixCli;
  private generation = 0;

  /** Fires with the flake folder whose state changed, or undefined when the list changed. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.nix = this.makeNix();
    this.disposables.push(this.diagnostics, this.emitter);
    config.onDidChange(
      (keys) => {
        if (keys.includes('nixPath') || keys.includes('nixEnvironment')) {
          this.nix = this.makeNix();
          this.invalidateAll();
        } else if (keys.includes('flakePaths') || keys.includes('maxDiscoveredFlakes')) {
          this.rediscover();
        }
      },
      undefined,
      this.disposables,
    );
    vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidateAll(), undefined, this.disposables);
    vscode.workspace.onDidChangeWorkspaceFolders(() => this.rediscover(), undefined, this.disposables);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    watcher.onDidChange((uri) => this.onFileEvent(uri), undefined, this.disposables);
    watcher.onDidCreate((uri) => this.onFileEvent(uri, true), undefined, this.disposables);
    watcher.onDidDelete((uri) => this.onFileEvent(uri, true), undefined, this.disposables);
    this.disposables.push(watcher);
  }

  /** The nix command as the settings configure it (recreated when they change). */
  get nixCli(): NixCli {
    return this.nix;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** The flake folders to list, discovered once and again when folders or settings change. */
  async getFlakeDirs(): Promise<readonly string[]> {
    if (this.flakeDirs !== undefined) return this.flakeDirs;
    const settings = this.config.settings;
    const workspaceFolders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const discovered =
      settings.flakePaths.length > 0
        ? []
        : (await vscode.workspace.findFiles('**/flake.nix', '{**/node_modules/**,**/.git/**,**/result/**}', settings.maxDiscoveredFlakes * 2)).map(
            (uri) => uri.fsPath,
          );
    this.flakeDirs = resolveFlakeDirs({
      workspaceFolders,
      configuredPaths: settings.flakePaths,
      discoveredFlakeFiles: discovered,
      max: settings.maxDiscoveredFlakes,
    });
    await vscode.commands.executeCommand('setContext', 'nixosDevices.flakeState', this.flakeDirs.length === 0 ? 'none' : 'some');
    return this.flakeDirs;
  }

  state(flakeDir: string): FlakeState {
    return this.states.get(flakeDir) ?? { status: 'idle' };
  }

  /** The flake's outputs, evaluating when needed; resolves once the state is ready or error. */
  async load(flakeDir: string): Promise<FlakeState> {
    if (!this.trusted) return { status: 'idle' };
    const state = this.state(flakeDir);
    if (state.status === 'ready' || state.status === 'error') return state;
    let loading = this.loads.get(flakeDir);
    if (loading === undefined) {
      loading = this.evaluate(flakeDir);
      this.loads.set(flakeDir, loading);
    }
    await loading;
    return this.state(flakeDir);
  }

  /** All flakes' outputs that are ready (loading each as needed). */
  async allOutputs(): Promise<FlakeOutputs[]> {
    const dirs = await this.getFlakeDirs();
    const states = await Promise.all(dirs.map((dir) => this.load(dir)));
    return states.flatMap((s) => (s.status === 'ready' ? [s.outputs] : []));
  }

  /** Forgets every flake's state; views reload what they show. */
  refresh(): void {
    this.invalidateAll();
  }

  private makeNix(): NixCli {
    const settings = this.config.settings;
    return new NixCli({ program: settings.nixPath, env: settings.nixEnvironment, logger: channelLogger(this.log) });
  }

  private async evaluate(flakeDir: string): Promise<void> {
    const generation = this.generation;
    const previous = this.state(flakeDir);
    this.setState(flakeDir, previous.status === 'ready' ? { status: 'loading', previous: previous.outputs } : { status: 'loading' });
    try {
      const outputs = await listFlakeOutputs(this.nix, flakeDir, { cache: this.cache });
      if (generation !== this.generation) return;
      this.diagnostics.delete(vscode.Uri.file(`${flakeDir}/flake.nix`));
      this.clearDiagnosticsUnder(flakeDir);
      this.setState(flakeDir, { status: 'ready', outputs });
    } catch (error) {
      if (generation !== this.generation) return;
      const devicesError = toDevicesError(error, `Reading the flake in ${flakeDir}`);
      this.log.error(`${devicesError.message}${devicesError.detail === undefined ? '' : `\n${devicesError.detail}`}`);
      this.clearDiagnosticsUnder(flakeDir);
      if (devicesError.location !== undefined) {
        const { file, line, column } = devicesError.location;
        const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
        const diagnostic = new vscode.Diagnostic(new vscode.Range(position, position.translate(0, 1)), devicesError.message, vscode.DiagnosticSeverity.Error);
        diagnostic.source = 'nix';
        this.diagnostics.set(vscode.Uri.file(file), [diagnostic]);
      }
      this.setState(flakeDir, { status: 'error', error: devicesError });
    } finally {
      this.loads.delete(flakeDir);
    }
  }

  private clearDiagnosticsUnder(flakeDir: string): void {
    this.diagnostics.forEach((uri) => {
      if (uri.fsPath.startsWith(`${flakeDir}/`)) this.diagnostics.delete(uri);
    });
  }

  private setState(flakeDir: string, state: FlakeState): void {
    this.states.set(flakeDir, state);
    this.emitter.fire(flakeDir);
  }

  private invalidateAll(): void {
    this.generation++;
    this.states.clear();
    this.loads.clear();
    this.emitter.fire(undefined);
  }

  private rediscover(): void {
    this.flakeDirs = undefined;
    this.invalidateAll();
  }

  private onFileEvent(uri: vscode.Uri, structural = false): void {
    const path = uri.fsPath;
    if (/\/(\.git|node_modules|result)(\/|$)/.test(path)) return;
    if (structural && path.endsWith('/flake.nix')) {
      this.rediscover();
      return;
    }
    const dirs = this.flakeDirs ?? [];
    // The innermost flake folder holding the file; a file in a nested flake belongs to it.
    const owner = dirs.filter((dir) => path.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length)[0];
    if (owner === undefined || this.states.get(owner)?.status === undefined) return;
    const timer = this.pending.get(owner);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.set(
      owner,
      setTimeout(() => {
        this.pending.delete(owner);
        this.states.delete(owner);
        this.emitter.fire(owner);
      }, CHANGE_DEBOUNCE_MS),
    );
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.disposables.forEach((d) => {
      d.dispose();
    });
  }
}

export function flakeFileOf(flakeDir: string): string {
  return `${flakeDir}/flake.nix`;
}

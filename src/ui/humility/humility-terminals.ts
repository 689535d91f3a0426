/**
 * The open humility terminals: each run gets its own integrated terminal (several side by side);
 * the last one opened is kept for tests (Ctx.humility.last) and `onDidOpen` tells when one opens.
 */
import * as vscode from 'vscode';
import { HumilityTerminal, type HumilityTerminalOptions } from './humility-terminal';

export class HumilityTerminals implements vscode.Disposable {
  private readonly open = new Set<vscode.Terminal>();
  private readonly emitter = new vscode.EventEmitter<HumilityTerminal>();
  private latest: HumilityTerminal | undefined;
  private readonly subscription: vscode.Disposable;
  readonly onDidOpen = this.emitter.event;

  constructor() {
    this.subscription = vscode.window.onDidCloseTerminal((terminal) => this.open.delete(terminal));
  }

  /** The humility terminal opened last (its output and exit), if any. */
  get last(): HumilityTerminal | undefined {
    return this.latest;
  }

  /** A terminal for one run, shown; humility starts when VS Code opens it. */
  show(name: string, options: HumilityTerminalOptions): HumilityTerminal {
    const pty = new HumilityTerminal(options);
    const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('debug-alt') });
    this.open.add(terminal);
    this.latest = pty;
    terminal.show();
    this.emitter.fire(pty);
    return pty;
  }

  /** The same run for the terminal profile dropdown (VS Code creates the terminal). */
  profile(name: string, options: HumilityTerminalOptions): vscode.TerminalProfile {
    const pty = new HumilityTerminal(options);
    this.latest = pty;
    this.emitter.fire(pty);
    return new vscode.TerminalProfile({ name, pty, iconPath: new vscode.ThemeIcon('debug-alt') });
  }

  dispose(): void {
    for (const terminal of this.open) terminal.dispose();
    this.open.clear();
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

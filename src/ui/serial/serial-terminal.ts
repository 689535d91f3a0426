/**
 * A serial console as an integrated terminal: a Pseudoterminal over core's SerialSession. What
 * the port sends is shown as the session's display text (UTF-8, optional timestamps or hex);
 * what the user types goes out with the configured line ending. An unplugged adapter leaves the
 * terminal open, saying it waits; the session re-attaches to the same path by itself. Closing
 * the terminal releases the port.
 */
import * as vscode from 'vscode';
import { toDevicesError, type DevicesError } from '../../core/errors';
import type { Disposable } from '../../core/jobs';
import { describeState, type SerialSession } from '../../core/serial';

const DIM = '\x1b[2m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';
/** What tests and the journey read back: the recent screen text, bounded. */
const TRANSCRIPT_LIMIT_CHARS = 256 * 1024;

export class SerialTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  private readonly subscriptions: Disposable[] = [];
  private transcriptText = '';
  private closed = false;

  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  constructor(
    readonly session: SerialSession,
    private readonly onOpenFailed: (error: DevicesError) => void,
    private readonly onClosed: () => void,
  ) {}

  /** What was written to the terminal so far (the latest 256 KiB, escape sequences included). */
  get transcript(): string {
    return this.transcriptText;
  }

  open(): void {
    this.subscriptions.push(
      this.session.onDisplay((text) => this.show(text)),
      this.session.onEvent((event) => {
        if (event.kind === 'state') {
          const state = event.state;
          if (state.kind === 'waiting') this.note(`${describeState(state)}: the console stays open and re-attaches when it is back.`, YELLOW);
          else if (state.kind === 'reattached') this.note(describeState(state), YELLOW);
        } else {
          this.note(event.error.message, RED);
        }
      }),
    );
    this.note(`${this.session.title} · close this terminal to release the port`, DIM);
    this.session.open().then(
      () => undefined,
      (error: unknown) => {
        const devicesError = toDevicesError(error, `Opening ${this.session.endpoint.path}`);
        this.note(devicesError.message, RED);
        this.onOpenFailed(devicesError);
      },
    );
  }

  handleInput(data: string): void {
    if (this.session.state.kind !== 'open' && this.session.state.kind !== 'reattached') {
      this.note(`Not sent: ${describeState(this.session.state)}.`, YELLOW);
      return;
    }
    this.session.sendKeys(data).catch((error: unknown) => this.note(toDevicesError(error).message, RED));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.forEach((s) => {
      s.dispose();
    });
    void this.session.close();
    this.onClosed();
  }

  /** Ends the terminal from our side (the port could not be opened and the user dismissed it):
   * the console is released here, since VS Code need not call close() for a pty that closed. */
  end(): void {
    this.close();
    this.closeEmitter.fire();
  }

  /** A line of ours, set apart from the board's output (on a new line only when needed). */
  note(text: string, colour: string = DIM): void {
    const atLineStart = this.transcriptText === '' || this.transcriptText.endsWith('\n');
    this.show(`${atLineStart ? '' : '\r\n'}${colour}[${text}]${RESET}\r\n`);
  }

  private show(text: string): void {
    // A terminal needs CR LF; boards mostly send it, but a bare LF would staircase the screen.
    const out = text.replace(/(?<!\r)\n/g, '\r\n');
    this.writeEmitter.fire(out);
    this.transcriptText = (this.transcriptText + out).slice(-TRANSCRIPT_LIMIT_CHARS);
  }
}

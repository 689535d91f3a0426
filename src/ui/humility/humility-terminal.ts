/**
 * One humility run in an integrated terminal (a Pseudoterminal): humility starts when the terminal
 * opens; its stdout and stderr are shown with CRLF line breaks; typed text goes to its stdin;
 * Ctrl-C ends it; its exit status is printed, and a translated failure is shown with its actions.
 * After the exit any key closes the terminal. `output` keeps what was written (the e2e test reads
 * it: VS Code's own terminal-data event is proposed API).
 */
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { toDevicesError } from '../../core/errors';
import type { HumilityExit, HumilityProcess } from '../../core/humility';
import { toTerminalText } from './humility-pick-model';

const CTRL_C = '\x03';
const RED = '\x1b[31m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
/** The most output kept for `output` (the terminal itself keeps its own scrollback). */
const OUTPUT_KEEP_CHARS = 1024 * 1024;

export interface HumilityTerminalOptions {
  /** Shown first: what runs, and where. */
  readonly banner: string;
  /** Starts humility (called once, when the terminal opens). */
  readonly start: () => Promise<HumilityProcess>;
  /** Shows a failure (the terminal also prints its message). */
  readonly onError: (error: unknown) => void;
}

export class HumilityTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private text = '';
  private running: HumilityProcess | undefined;
  private finished = false;
  private closed = false;
  /** Ctrl-C was pressed: the end is the user's doing, not a failure. */
  private interrupted = false;
  private resolveExit!: (exit: HumilityExit) => void;
  /** Settles when humility has ended (or failed to start: exitCode null with the error). */
  readonly exited = new Promise<HumilityExit>((resolve) => {
    this.resolveExit = resolve;
  });

  constructor(private readonly options: HumilityTerminalOptions) {}

  /** Everything written to the terminal so far (escape sequences included). */
  get output(): string {
    return this.text;
  }

  open(): void {
    this.write(`${DIM}${toTerminalText(this.options.banner)}${RESET}\r\n`);
    void this.run();
  }

  private async run(): Promise<void> {
    let running: HumilityProcess;
    try {
      running = await this.options.start();
    } catch (error) {
      this.finish({ exitCode: null, signal: null }, error);
      return;
    }
    if (this.closed) {
      running.kill();
      return;
    }
    this.running = running;
    const pipe = (stream: NodeJS.ReadableStream, colour: string): Promise<void> =>
      new Promise((resolve) => {
        const decoder = new StringDecoder('utf-8');
        stream.on('data', (chunk: Buffer | string) => {
          const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
          if (text !== '') this.write(colour === '' ? toTerminalText(text) : `${colour}${toTerminalText(text)}${RESET}`);
        });
        stream.on('end', () => {
          const rest = decoder.end();
          if (rest !== '') this.write(toTerminalText(rest));
          resolve();
        });
        stream.on('close', () => resolve());
        stream.on('error', () => resolve());
      });
    const [exit] = await Promise.all([running.exit, pipe(running.stdout, ''), pipe(running.stderr, RED)]);
    this.finish(exit, exit.error);
  }

  private finish(exit: HumilityExit, error: unknown): void {
    this.finished = true;
    this.running = undefined;
    const cancelled = this.interrupted && (error === undefined || toDevicesError(error).code === 'CANCELLED');
    const status = cancelled ? 'stopped' : exit.signal !== null ? `ended by ${exit.signal}` : exit.exitCode === null ? 'did not run' : `exited with status ${String(exit.exitCode)}`;
    if (error !== undefined && !cancelled) {
      const message = toDevicesError(error).message;
      this.write(`\r\n${RED}${toTerminalText(message)}${RESET}\r\n`);
      this.options.onError(error);
    }
    this.write(`\r\n${DIM}[humility ${status}; press any key to close]${RESET}\r\n`);
    this.resolveExit(error === undefined || exit.error !== undefined ? exit : { ...exit, error: toDevicesError(error) });
  }

  handleInput(data: string): void {
    if (this.finished) {
      this.closeEmitter.fire();
      return;
    }
    const running = this.running;
    if (running === undefined) return;
    if (data.includes(CTRL_C)) {
      this.write('^C\r\n');
      this.interrupted = true;
      running.kill();
      return;
    }
    // No pty on the other side: echo here, and send lines as the program expects them (LF).
    this.write(toTerminalText(data.replace(/\r/g, '\n')));
    running.stdin?.write(data.replace(/\r/g, '\n'));
  }

  close(): void {
    this.closed = true;
    this.running?.kill();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private write(data: string): void {
    this.text = (this.text + data).slice(-OUTPUT_KEEP_CHARS);
    if (!this.closed) this.writeEmitter.fire(data);
  }
}

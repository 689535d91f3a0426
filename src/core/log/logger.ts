/**
 * The logging interface core code writes to. The extension points it at its LogOutputChannel,
 * the CLI at stderr, the language server at connection.console, tests at a buffer.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const SILENT_LOGGER: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** A logger that keeps what it is told, for tests and for the CLI's --verbose replay. */
export class BufferLogger implements Logger {
  readonly lines: { level: LogLevel; message: string }[] = [];
  trace(message: string): void {
    this.lines.push({ level: 'trace', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string | Error): void {
    this.lines.push({ level: 'error', message: message instanceof Error ? (message.stack ?? message.message) : message });
  }
  text(): string {
    return this.lines.map((l) => `[${l.level}] ${l.message}`).join('\n');
  }
}

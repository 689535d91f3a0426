/**
 * Splits a byte stream into lines with a bounded buffer: a line longer than `maxLineLength`
 * is emitted in pieces rather than growing memory without limit (nix can print megabyte lines).
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 1 << 20,
  ) {}

  push(chunk: Buffer | Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let data = this.pending + text;
    let newline = data.indexOf('\n');
    while (newline !== -1) {
      let line = data.slice(0, newline);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.onLine(line);
      data = data.slice(newline + 1);
      newline = data.indexOf('\n');
    }
    while (data.length > this.maxLineLength) {
      this.onLine(data.slice(0, this.maxLineLength));
      data = data.slice(this.maxLineLength);
    }
    this.pending = data;
  }

  /** Emits what is left after the stream ended without a final newline. */
  end(): void {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (rest.length > 0) this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }
}

/**
 * Received bytes → the text a terminal shows. The session's bytes (and its log) stay untouched;
 * only the display is transformed: UTF-8 decoded across chunk boundaries, per-line timestamps
 * (the time a line's first byte arrived), or a hex view (16 bytes a row, offset and ASCII).
 * Stateful, one per session, because a line or a UTF-8 sequence can span chunks.
 */
import { StringDecoder } from 'node:string_decoder';

export interface DisplayOptions {
  readonly timestamps: boolean;
  readonly hexView: boolean;
}

export const HEX_BYTES_PER_ROW = 16;

/** `[12:34:56.789] ` in local time, as serial monitors print it. */
export function timestampPrefix(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `[${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}] `;
}

export class DisplayTransform {
  private readonly decoder = new StringDecoder('utf-8');
  private atLineStart = true;
  private hexColumn = 0;
  private hexOffset = 0;
  private hexAscii = '';

  constructor(
    private readonly options: DisplayOptions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The text to show for `chunk`. */
  push(chunk: Buffer): string {
    return this.options.hexView ? this.hex(chunk) : this.text(chunk);
  }

  private text(chunk: Buffer): string {
    const text = this.decoder.write(chunk);
    if (!this.options.timestamps) return text;
    let out = '';
    for (const ch of text) {
      if (this.atLineStart) {
        out += timestampPrefix(this.now());
        this.atLineStart = false;
      }
      out += ch;
      if (ch === '\n') this.atLineStart = true;
    }
    return out;
  }

  private hex(chunk: Buffer): string {
    let out = '';
    for (const byte of chunk) {
      if (this.hexColumn === 0) {
        if (this.options.timestamps) out += timestampPrefix(this.now());
        out += `${this.hexOffset.toString(16).padStart(8, '0')}  `;
      }
      out += `${byte.toString(16).padStart(2, '0')} `;
      this.hexAscii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
      this.hexColumn += 1;
      this.hexOffset += 1;
      if (this.hexColumn === HEX_BYTES_PER_ROW) {
        out += ` |${this.hexAscii}|\r\n`;
        this.hexColumn = 0;
        this.hexAscii = '';
      }
    }
    return out;
  }
}

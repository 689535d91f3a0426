/**
 * Offsets (UTF-16 code units, as the parser's) to LSP positions: 0-based line and character,
 * characters counted in UTF-16 code units, lines ended by LF, CR LF or CR.
 */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** Maps many offsets of one text: the line starts are computed once. */
export class PositionMapper {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 10 || c === 13) this.lineStarts.push(i + 1);
    }
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - (this.lineStarts[low] ?? 0) };
  }

  offsetAt(position: Position): number {
    const start = this.lineStarts[Math.max(0, Math.min(position.line, this.lineStarts.length - 1))] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }
}

export function offsetToPosition(text: string, offset: number): Position {
  return new PositionMapper(text).positionAt(offset);
}

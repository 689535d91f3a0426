/**
 * Offsets to LSP positions for the rules' front-ends. One mapper serves all of core: core/lang's
 * LineIndex (lines end at LF, CR LF or CR; characters in UTF-16 code units, as LSP counts).
 */
import { LineIndex, type Position } from '../lang';

export type { Position };
export { LineIndex as PositionMapper };

export function offsetToPosition(text: string, offset: number): Position {
  return new LineIndex(text).positionAt(offset);
}

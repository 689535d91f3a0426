/**
 * Drive labels come from the device (USB vendor and model strings, filesystem labels): they can
 * hold control characters that move a terminal's cursor and bidi overrides that make "sdb" read
 * as another name. Labels are cleaned before anyone is asked to confirm them.
 */

/** C0 and C1 controls, bidi embeddings/overrides/isolates and marks, zero-width characters, BOM. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
export const MAX_LABEL_CHARS = 64;

export function cleanLabel(text: string): string {
  const cleaned = text.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length > MAX_LABEL_CHARS ? `${cleaned.slice(0, MAX_LABEL_CHARS - 1)}…` : cleaned;
}

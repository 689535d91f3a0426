/**
 * The registry of image formats: one array, in the order formats are tried by magic bytes.
 * Raw comes last and has no magic: it is what a file is when no other format claims it.
 */
import type { ImageFormat } from '../image-format';
import { GZIP_FORMAT } from './gzip';
import { RAW_FORMAT } from './raw';
import { XZ_FORMAT } from './xz';
import { ZSTD_FORMAT } from './zstd';

export const IMAGE_FORMATS: readonly ImageFormat[] = [ZSTD_FORMAT, XZ_FORMAT, GZIP_FORMAT, RAW_FORMAT];

/** The format a file's first bytes announce, else raw. */
export function formatForMagic(head: Buffer): ImageFormat {
  return IMAGE_FORMATS.find((f) => f.magic !== undefined && head.subarray(0, f.magic.length).equals(f.magic)) ?? RAW_FORMAT;
}

/** The format a file name announces (longest ending wins), if any. */
export function formatForName(name: string): ImageFormat | undefined {
  const lower = name.toLowerCase();
  let best: { format: ImageFormat; length: number } | undefined;
  for (const format of IMAGE_FORMATS) {
    for (const ext of format.extensions) {
      if (lower.endsWith(ext) && (best === undefined || ext.length > best.length)) best = { format, length: ext.length };
    }
  }
  return best?.format;
}

export { estimateGzipSize } from './gzip';

/**
 * The two ways an image file can be bad, as DevicesErrors that name the file and say what next.
 */
import { basename } from 'node:path';
import { DevicesError } from '../errors';

export function imageTruncated(path: string, detail?: string, cause?: unknown): DevicesError {
  return new DevicesError(
    'IMAGE_TRUNCATED',
    `The image ${basename(path)} ends too early: the file is incomplete (an interrupted download or copy?). Get the image again.`,
    { ...(detail === undefined ? {} : { detail: `${path}: ${detail}` }), ...(cause === undefined ? {} : { cause }) },
  );
}

export function imageCorrupt(path: string, detail?: string, cause?: unknown): DevicesError {
  return new DevicesError(
    'IMAGE_CORRUPT',
    `The image ${basename(path)} is corrupt: its data does not decompress (checksum or format error). Get or build the image again.`,
    { ...(detail === undefined ? {} : { detail: `${path}: ${detail}` }), ...(cause === undefined ? {} : { cause }) },
  );
}

/** The `code` of a Node error (`EBUSY`, `Z_BUF_ERROR`, `ZSTD_error_…`), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

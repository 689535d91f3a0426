/**
 * gzip (`.img.gz`): Node's zlib everywhere. The trailer's ISIZE is the size modulo 2^32 of the
 * last member only (RFC 1952 §2.3.1), so the size is always an estimate.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DevicesError } from '../../errors';
import type { DecompressOptions, ImageChunks, ImageFormat, ImageSize } from '../image-format';
import { errorCode, imageCorrupt, imageTruncated } from '../image-errors';
import { transformStream } from '../transform-stream';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const GUNZIP_CHUNK_BYTES = 1024 * 1024;
const TWO_POW_32 = 2 ** 32;

/** The smallest size ≡ ISIZE (mod 2^32) that is at least the compressed size. */
export function estimateGzipSize(isize: number, fileSize: number): number {
  let size = isize;
  while (size < fileSize) size += TWO_POW_32;
  return size;
}

export const GZIP_FORMAT: ImageFormat = {
  id: 'gzip',
  extensions: ['.img.gz', '.gz'],
  magic: GZIP_MAGIC,
  async readImageSize(path: string, fileSize: number): Promise<ImageSize> {
    if (fileSize < 18) throw imageTruncated(path, 'shorter than a gzip header and trailer');
    const file = await open(path, 'r');
    try {
      const trailer = Buffer.alloc(4);
      await file.read(trailer, 0, 4, fileSize - 4);
      return { bytes: estimateGzipSize(trailer.readUInt32LE(0), fileSize), estimated: true };
    } finally {
      await file.close();
    }
  },
  decompress(input: Readable, options: DecompressOptions): ImageChunks {
    return transformStream(input, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), (error) => {
      if (error instanceof DevicesError) return error;
      const message = error instanceof Error ? error.message : String(error);
      if (/unexpected end/i.test(message)) return imageTruncated(options.path, message, error);
      const code = errorCode(error) ?? '';
      return code.startsWith('Z_') ? imageCorrupt(options.path, message, error) : error;
    });
  },
  describeDecompressor(): string {
    return 'Node zlib gunzip';
  },
};

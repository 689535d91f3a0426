/**
 * What every image format provides: how to recognise it, what it says about the size of the
 * image inside, and a decompressing stream. One file per format under formats/, listed in one
 * registry array (formats/index.ts), as etcher-sdk's compressed sources are.
 */
import type { Readable } from 'node:stream';
import type { Logger } from '../log';

export type ImageFormatId = 'zstd' | 'xz' | 'gzip' | 'raw';

/** The image's bytes, in order. */
export type ImageChunks = AsyncIterable<Buffer>;

/** The size of the image a file decompresses to. */
export interface ImageSize {
  readonly bytes: number;
  /** True when the format does not record the size (gzip's ISIZE is modulo 2^32, a zstd frame
   * without content size): progress must say it is an estimate. */
  readonly estimated: boolean;
}

export interface DecompressOptions {
  /** The image file, named in errors. */
  readonly path: string;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** Which decompressor to use where a format has two: 'auto' picks the measured best. */
  readonly decompressor?: DecompressorChoice;
}

/** 'in-process' is Node's zlib (or nothing to do for raw); 'program' a decompressing program. */
export type DecompressorChoice = 'auto' | 'in-process' | 'program';

export interface ImageFormat {
  readonly id: ImageFormatId;
  /** Lower-case file name endings, longest first. */
  readonly extensions: readonly string[];
  /** The first bytes of every file of this format; undefined for raw images. */
  readonly magic?: Buffer;
  /** Reads the recorded image size (and checks the container's structure where that is cheap). */
  readImageSize(path: string, fileSize: number): Promise<ImageSize>;
  /** Decompresses `input`; errors are DevicesError IMAGE_TRUNCATED / IMAGE_CORRUPT naming the file.
   * An async iterable rather than a Readable: one promise per chunk instead of three (the
   * writer is the only reader), which mattered at 16,000 pipe chunks per GiB. Stopping the
   * iteration early (a failed write, a cancel) ends the decompressor. */
  decompress(input: Readable, options: DecompressOptions): ImageChunks;
  /** Which decompressor `decompress` uses here for that choice (for the log and the result). */
  describeDecompressor(choice?: DecompressorChoice): string;
}

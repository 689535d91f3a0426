/**
 * An image to flash: a file in any registered format, or a Nix result folder. Opening it reads
 * the recorded size (and checks the container), and `createStream` streams the image — never
 * through a temporary file — while hashing the file as shipped (the SHA-256 Hydra and
 * `nix hash file` print) and counting its bytes for progress when the size is only estimated.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DevicesError } from '../errors';
import type { Logger } from '../log';
import { formatForMagic, formatForName } from './formats';
import type { DecompressorChoice, ImageChunks, ImageFormat, ImageSize } from './image-format';
import { imageCorrupt } from './image-errors';
import { findImageInResult } from './nix-result';
import { createSha256Hasher, type Sha256Hasher } from './sha256-hasher';

export const IMAGE_READ_CHUNK_BYTES = 1024 * 1024;
const MAGIC_BYTES = 8;

export interface ImageSource {
  /** The image file (inside the result folder when one was given). */
  readonly path: string;
  readonly name: string;
  readonly format: ImageFormat;
  /** Bytes of the file as shipped. */
  readonly fileSize: number;
  /** Bytes of the image inside. */
  readonly size: ImageSize;
  createStream(options?: ImageStreamOptions): ImageStream;
}

export interface ImageStreamOptions {
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly decompressor?: DecompressorChoice;
  /** Hashes the file as shipped; Node's crypto when not given. */
  readonly fileHasher?: Sha256Hasher;
}

export interface ImageStream {
  /** The image's bytes. */
  readonly chunks: ImageChunks;
  /** Bytes of the file read so far (progress for an estimated size). */
  fileBytesRead(): number;
  /** SHA-256 (hex) of the whole file as shipped; call after `chunks` has ended. */
  fileSha256(): Promise<string>;
}

class HashingTap extends Transform {
  bytes = 0;
  constructor(readonly hasher: Sha256Hasher) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const wait = this.hasher.update(chunk);
    if (wait === undefined) callback(null, chunk);
    else wait.then(() => callback(null, chunk), callback);
  }
}

export async function openImage(path: string): Promise<ImageSource> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DevicesError('NOT_FOUND', `The image ${path} does not exist.`, { cause: error });
  }
  const file = info.isDirectory() ? await findImageInResult(path) : path;
  const fileInfo = file === path ? info : await stat(file);
  if (!fileInfo.isFile()) throw new DevicesError('IMAGE_INVALID', `${file} is not a regular file, so it cannot be an image.`);
  const head = Buffer.alloc(MAGIC_BYTES);
  const handle = await open(file, 'r');
  try {
    await handle.read(head, 0, MAGIC_BYTES, 0);
  } finally {
    await handle.close();
  }
  const byMagic = formatForMagic(head);
  const byName = formatForName(file);
  // A name that promises compression over bytes that are not compressed is a broken file, not a raw image.
  if (byName !== undefined && byName.magic !== undefined && byMagic.id === 'raw') {
    throw imageCorrupt(file, `does not start with the ${byName.id} magic bytes`);
  }
  const format = byMagic;
  const fileSize = fileInfo.size;
  const size = await format.readImageSize(file, fileSize);
  return {
    path: file,
    name: basename(file),
    format,
    fileSize,
    size,
    createStream(options: ImageStreamOptions = {}): ImageStream {
      const tap = new HashingTap(options.fileHasher ?? createSha256Hasher('in-process'));
      const source = createReadStream(file, { highWaterMark: IMAGE_READ_CHUNK_BYTES });
      // A read error reaches the tap (pipeline destroys every stream with it) and so the decompressor.
      pipeline(source, tap).catch(() => undefined);
      const chunks = format.decompress(tap, {
        path: file,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...(options.decompressor === undefined ? {} : { decompressor: options.decompressor }),
      });
      let digest: Promise<string> | undefined;
      return {
        chunks,
        fileBytesRead: () => tap.bytes,
        fileSha256: () => (digest ??= tap.hasher.digest()),
      };
    },
  };
}

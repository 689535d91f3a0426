/**
 * xz (`.img.xz`): the size comes from the index. Decompressed by the `xz` program as a stream:
 * Node has no xz, and the WASM decoder measured (xz-decompress) ran at half the program's speed.
 */
import type { Readable } from 'node:stream';
import type { DevicesError } from '../../errors';
import type { ExecResult } from '../../exec';
import type { DecompressOptions, ImageChunks, ImageFormat, ImageSize } from '../image-format';
import { imageCorrupt, imageTruncated } from '../image-errors';
import { programStream } from '../program-stream';
import { readXzUncompressedSize, XZ_MAGIC } from './xz-index';

function mapFailure(path: string, result: ExecResult): DevicesError {
  const stderr = result.stderr.trim();
  return /unexpected end of input/i.test(stderr) ? imageTruncated(path, stderr) : imageCorrupt(path, stderr);
}

export const XZ_FORMAT: ImageFormat = {
  id: 'xz',
  extensions: ['.img.xz', '.xz'],
  magic: XZ_MAGIC,
  async readImageSize(path: string, fileSize: number): Promise<ImageSize> {
    return { bytes: await readXzUncompressedSize(path, fileSize), estimated: false };
  },
  decompress(input: Readable, options: DecompressOptions): ImageChunks {
    return programStream(['xz', '-d', '-c', '-q'], input, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      mapFailure: (result) => mapFailure(options.path, result),
    });
  },
  describeDecompressor(): string {
    return 'the xz program';
  },
};

/** A raw image (`.img`, `.iso`): its size is the file's, and nothing to decompress. */
import type { Readable } from 'node:stream';
import type { ImageChunks, ImageFormat, ImageSize } from '../image-format';

export const RAW_FORMAT: ImageFormat = {
  id: 'raw',
  extensions: ['.img', '.iso', '.raw', '.bin'],
  async readImageSize(_path: string, fileSize: number): Promise<ImageSize> {
    return { bytes: fileSize, estimated: false };
  },
  decompress(input: Readable): ImageChunks {
    return input;
  },
  describeDecompressor(): string {
    return 'none (raw image)';
  },
};

/**
 * An in-process decompressor (a zlib Transform) fed from `input`, as chunks whose errors
 * are mapped to the image's DevicesError.
 */
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export function transformStream(input: Readable, transform: Transform, mapError: (error: unknown) => unknown): AsyncGenerator<Buffer> {
  // Errors of the feeding side reach the transform (pipeline destroys it with them) and so the loop below.
  pipeline(input, transform).catch(() => undefined);
  async function* output(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of transform) yield chunk as Buffer;
    } catch (error) {
      throw mapError(error);
    }
  }
  return output();
}

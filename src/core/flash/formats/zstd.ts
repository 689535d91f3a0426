/**
 * zstd, the format NixOS writes its SD images in (`.img.zst`).
 *
 * Decompressor, chosen by measurement (bench/flash, numbers in the report of issue 5): Node's
 * zlib zstd where the runtime has it (node ≥ 22.15 / 23.8: VS Code's Electron, node 24 under
 * code-server), with 1 MiB output chunks — as fast as `zstd -dc` piped into Node and no pipe
 * copy; else the `zstd` program as a stream (node 20, the CLI). Pure-JS fzstd ran at a quarter
 * of that speed and the WASM builds need the whole file in memory, so neither ships. zlib's
 * decoder accepts a truncated input silently; readZstdLayout's walk catches that up front.
 */
import * as zlib from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import { DevicesError } from '../../errors';
import type { ExecResult } from '../../exec';
import type { DecompressOptions, DecompressorChoice, ImageChunks, ImageFormat, ImageSize } from '../image-format';
import { errorCode, imageCorrupt, imageTruncated } from '../image-errors';
import { programStream } from '../program-stream';
import { transformStream } from '../transform-stream';
import { readZstdLayout, ZSTD_MAGIC } from './zstd-frames';

/** zlib's default 16 KiB output chunks made its zstd decoder 3× slower than `zstd -dc` here. */
const ZLIB_ZSTD_CHUNK_BYTES = 1024 * 1024;
/** When no frame records its size: NixOS SD images compress about 6:1 (mostly empty ext4). */
const ESTIMATED_ZSTD_RATIO = 6;

type ZstdFactory = (options: { chunkSize: number }) => Transform;

/** Node's zlib zstd decoder, when this runtime has one (not node 20). */
function zlibZstdFactory(): ZstdFactory | undefined {
  const candidate: unknown = (zlib as Record<string, unknown>)['createZstdDecompress'];
  return typeof candidate === 'function' ? (candidate as ZstdFactory) : undefined;
}

function mapProgramFailure(path: string, result: ExecResult): DevicesError {
  const stderr = result.stderr.trim();
  return /premature end|unexpected end|truncated|Read error \(39\)/i.test(stderr) ? imageTruncated(path, stderr) : imageCorrupt(path, stderr);
}

function mapZlibError(path: string, error: unknown): unknown {
  if (error instanceof DevicesError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected end/i.test(message)) return imageTruncated(path, message, error);
  const code = errorCode(error) ?? '';
  return code.startsWith('ZSTD_') || code.startsWith('Z_') ? imageCorrupt(path, message, error) : error;
}

export const ZSTD_FORMAT: ImageFormat = {
  id: 'zstd',
  extensions: ['.img.zst', '.img.zstd', '.zst', '.zstd'],
  magic: ZSTD_MAGIC,
  async readImageSize(path: string, fileSize: number): Promise<ImageSize> {
    const layout = await readZstdLayout(path, fileSize);
    return layout.contentSize === undefined
      ? { bytes: fileSize * ESTIMATED_ZSTD_RATIO, estimated: true }
      : { bytes: layout.contentSize, estimated: false };
  },
  decompress(input: Readable, options: DecompressOptions): ImageChunks {
    const choice = options.decompressor ?? 'auto';
    const factory = zlibZstdFactory();
    if (choice === 'in-process' && factory === undefined) {
      throw new DevicesError('UNSUPPORTED', `This Node (${process.version}) has no zstd in zlib; use the zstd program.`);
    }
    if (factory !== undefined && choice !== 'program') {
      return transformStream(input, factory({ chunkSize: ZLIB_ZSTD_CHUNK_BYTES }), (error) => mapZlibError(options.path, error));
    }
    return programStream(['zstd', '-d', '-c', '-q'], input, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      mapFailure: (result) => mapProgramFailure(options.path, result),
    });
  },
  describeDecompressor(choice: DecompressorChoice = 'auto'): string {
    return zlibZstdFactory() === undefined || choice === 'program' ? 'the zstd program' : `Node ${process.version} zlib zstd`;
  },
};

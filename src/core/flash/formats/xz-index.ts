/**
 * Reads the uncompressed size from an xz file's index (the .xz file format 1.1.0, §2.1.2.2 and
 * §4): each stream ends with a footer pointing back at its index, which lists every block's
 * uncompressed size. Walks streams from the end, skipping stream padding. A truncated file has
 * no footer magic at its end.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { imageCorrupt, imageTruncated } from '../image-errors';

export const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = Buffer.from('YZ', 'latin1');
const HEADER_BYTES = 12;
const FOOTER_BYTES = 12;
/** More index than this is not an SD image; refuse rather than allocate it. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

async function readExactly(file: FileHandle, length: number, position: number): Promise<Buffer | undefined> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : undefined;
}

function readVarint(buffer: Buffer, at: { pos: number }): number {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = buffer[at.pos++];
    if (byte === undefined) throw new RangeError('index ends inside a number');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  throw new RangeError('number too long');
}

export async function readXzUncompressedSize(path: string, fileSize: number): Promise<number> {
  const file = await open(path, 'r');
  try {
    let end = fileSize;
    let total = 0;
    while (end > 0) {
      // Stream padding: zero bytes in multiples of four between and after streams.
      const last = await readExactly(file, 4, end - 4);
      if (last?.readUInt32LE(0) === 0) {
        end -= 4;
        continue;
      }
      const footer = end >= FOOTER_BYTES ? await readExactly(file, FOOTER_BYTES, end - FOOTER_BYTES) : undefined;
      if (footer === undefined || !footer.subarray(10, 12).equals(FOOTER_MAGIC)) {
        throw imageTruncated(path, 'no xz stream footer at the end of the file');
      }
      const indexBytes = (footer.readUInt32LE(4) + 1) * 4;
      const indexAt = end - FOOTER_BYTES - indexBytes;
      if (indexBytes > MAX_INDEX_BYTES || indexAt < HEADER_BYTES) throw imageCorrupt(path, 'xz index out of range');
      const index = await readExactly(file, indexBytes, indexAt);
      if (index === undefined || index[0] !== 0) throw imageCorrupt(path, 'no xz index where the footer points');
      let blocksBytes = 0;
      try {
        const at = { pos: 1 };
        const records = readVarint(index, at);
        for (let i = 0; i < records; i++) {
          const unpadded = readVarint(index, at);
          total += readVarint(index, at);
          blocksBytes += Math.ceil(unpadded / 4) * 4;
        }
      } catch (error) {
        throw imageCorrupt(path, `unreadable xz index: ${error instanceof Error ? error.message : String(error)}`);
      }
      const streamAt = indexAt - blocksBytes - HEADER_BYTES;
      const header = streamAt >= 0 ? await readExactly(file, XZ_MAGIC.length, streamAt) : undefined;
      if (header === undefined || !header.equals(XZ_MAGIC)) throw imageCorrupt(path, 'xz index does not match the blocks before it');
      end = streamAt;
    }
    return total;
  } finally {
    await file.close();
  }
}

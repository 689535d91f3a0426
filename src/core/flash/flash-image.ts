/**
 * Flashing as a Job: check the target with the policy, unmount, open exclusively, wipe both
 * ends, stream the image (hashing it) with the first MiB held back, sync, write the first MiB
 * last, re-read the partition table, verify by reading back past the cache, eject on request.
 * Until the last step of writing, the first MiB is zero: a failure or cancel leaves a card with
 * no partition table and no 0x55AA boot signature, never a half-written card that looks bootable.
 *
 * macOS goes through the same steps with its own tools (`platform`, docs/flash-macos.md): diskutil
 * to unmount and eject, the raw /dev/rdiskN written in whole-sector blocks (./raw-sink.ts) and read
 * back the same way, and no O_DIRECT, blockdev or dd.
 */
import type { FileHandle } from 'node:fs/promises';
import { DevicesError, isCancellation, toDevicesError } from '../errors';
import { Job, type JobContext } from '../jobs';
import { SILENT_LOGGER, type Logger } from '../log';
import { bufferedSink, openDirectSink, type BodySink, type WriteMode } from './body-sink';
import { ejectDrive, HEAD_BYTES, openTarget, rereadPartitionTable, supportsDirectIo, unmountAll, wipeEnds, writeHead } from './device-ops';
import { describeDrive, type Drive } from './drive';
import { assessDrive, type DriveAssessment } from './drive-policy';
import type { DecompressorChoice } from './image-format';
import { imageCorrupt, imageTruncated } from './image-errors';
import { openImage, type ImageSource } from './image-source';
import { describeTarget } from './list-drives';
import { blockDiskPath, rawDiskPath } from './macos-disk';
import { rawSink } from './raw-sink';
import { hashDeviceBytes } from './read-back';
import { createSha256Hasher, resolveHashChoice, type HashChoice } from './sha256-hasher';

export type FlashPhase = 'checking' | 'unmounting' | 'wiping' | 'writing' | 'finishing' | 'verifying' | 'ejecting';

/** Progress events at most this often: a pipe hands over 64 KiB pieces, thousands a second. */
const PROGRESS_INTERVAL_MS = 100;

export interface FlashPlan {
  readonly image: ImageSource;
  readonly assessment: DriveAssessment;
}

export interface FlashOptions {
  /** An image file or a Nix result folder. */
  readonly image: string;
  /** A whole-disk device path, or a plain file with `allowNonRemovable`. */
  readonly target: string;
  readonly verify?: boolean;
  readonly allowNonRemovable?: boolean;
  /** Unmount the target's partitions; without it a mounted target is refused (DRIVE_MOUNTED). */
  readonly unmount?: boolean;
  readonly eject?: boolean;
  /** Asked after the checks and before anything is changed; false stops with CANCELLED. */
  readonly confirm?: (plan: FlashPlan) => Promise<boolean>;
  readonly decompressor?: DecompressorChoice;
  /** Who computes SHA-256: 'auto' is Node's crypto (measured, see sha256-hasher.ts). */
  readonly hash?: HashChoice;
  /** 'auto': direct, except buffered for a file on a filesystem without O_DIRECT. */
  readonly writeMode?: WriteMode | 'auto';
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Whose tools and device names to use: process.platform unless a test drives another here. */
  readonly platform?: NodeJS.Platform;
}

export interface FlashResult {
  readonly imagePath: string;
  readonly target: string;
  readonly bytesWritten: number;
  /** SHA-256 of the image file as shipped (compare with `nix hash file --type sha256 --base16`). */
  readonly imageFileSha256: string;
  /** SHA-256 of the bytes written to the target. */
  readonly writtenSha256: string;
  readonly verified: boolean;
  readonly decompressor: string;
  readonly writeMode: WriteMode;
  readonly warnings: readonly string[];
}

/** What a cancel or failure at each point leaves on the target, said to the user. */
function stateAfterStop(target: string, stage: 'untouched' | 'wiped' | 'written'): string {
  switch (stage) {
    case 'untouched':
      return `Nothing was written to ${target}.`;
    case 'wiped':
      return `${target} was partly written and its first MiB is zeroed: it has no partition table and will not boot. Flash it again or format it.`;
    case 'written':
      return `${target} was written completely but not verified.`;
  }
}

export function startFlash(options: FlashOptions): Job<FlashResult> {
  return Job.start(`Flash ${options.image} to ${options.target}`, (context) => flash(options, context), options.signal === undefined ? {} : { signal: options.signal });
}

async function flash(options: FlashOptions, context: JobContext): Promise<FlashResult> {
  const logger = options.logger ?? SILENT_LOGGER;
  const signal = context.signal;
  const phase = (p: FlashPhase): void => context.phase(p);
  const platform = options.platform ?? process.platform;
  const darwin = platform === 'darwin';
  let stage: 'untouched' | 'wiped' | 'written' = 'untouched';
  let handle: FileHandle | undefined;
  try {
    phase('checking');
    const image = await openImage(options.image);
    const drive = await describeTarget(options.target, { logger, signal, platform });
    const assessment = assessDrive(drive, { imageSize: image.size.bytes, imageSizeEstimated: image.size.estimated, allowNonRemovable: options.allowNonRemovable === true });
    const [problem] = assessment.problems;
    if (problem !== undefined) throw new DevicesError(problem.code, problem.message);
    if (assessment.mounted.length > 0 && options.unmount !== true) {
      throw new DevicesError('DRIVE_MOUNTED', `${describeDrive(drive)} is mounted at ${assessment.mounted.join(', ')}. Unmount it first, or let the flasher unmount it (nixos-devices flash --unmount).`);
    }
    if (options.confirm !== undefined && !(await options.confirm({ image, assessment }))) {
      throw new DevicesError('CANCELLED', 'Not confirmed.');
    }
    signal.throwIfAborted();
    if (assessment.mounted.length > 0) {
      phase('unmounting');
      await unmountAll(drive, { logger, signal, platform });
    }
    const auto = options.writeMode === undefined || options.writeMode === 'auto';
    // macOS: 'direct' is the raw /dev/rdiskN (uncached), 'buffered' the block device /dev/diskN; a
    // plain file is always buffered there (uncached file writes need F_NOCACHE, not in Node).
    const writeMode: WriteMode = darwin && drive.kind === 'file' ? 'buffered' : auto ? (drive.kind !== 'file' || (await supportsDirectIo(drive.path, platform)) ? 'direct' : 'buffered') : (options.writeMode ?? 'direct');
    const writePath = !darwin || drive.kind === 'file' ? drive.path : writeMode === 'direct' ? rawDiskPath(drive.path) : blockDiskPath(drive.path);
    const readPath = !darwin || drive.kind === 'file' ? drive.path : rawDiskPath(drive.path);
    /** A macOS device takes whole sectors only (the block device too, being the same disk's driver). */
    const wholeSectors = darwin && drive.kind !== 'file';
    const warnings = [...assessment.warnings];
    for (const warning of warnings) context.log(warning, 'warn');
    context.log(`${image.name}: ${image.format.id}, ${image.size.bytes} bytes${image.size.estimated ? ' (estimated)' : ''}, decompressed by ${image.format.describeDecompressor(options.decompressor)}; writing ${darwin ? `to ${writePath} in whole sectors${writeMode === 'direct' ? ' (raw, uncached)' : ''}, then fsync` : writeMode === 'direct' ? 'with O_DIRECT writes' : 'buffered, then fsync'}.`, 'info');
    const hash = resolveHashChoice(options.hash);
    context.log(`SHA-256 by ${hash === 'program' ? 'the openssl program' : "Node's crypto"}.`, 'debug');
    handle = await openTarget(drive, { platform, path: writePath });
    phase('wiping');
    await wipeEnds(handle, drive.kind === 'file' ? Math.max(drive.size, HEAD_BYTES) : drive.size);
    stage = 'wiped';
    phase('writing');
    const written = await writeBody(image, drive, handle, { mode: writeMode, hash, darwin, writePath, wholeSectors }, options, context);
    signal.throwIfAborted();
    phase('finishing');
    await writeHead(handle, written.head, { wholeSectors });
    stage = 'written';
    await handle.close();
    handle = undefined;
    const rereadWarning = await rereadPartitionTable(drive, { logger, platform });
    if (rereadWarning !== undefined) warnings.push(rereadWarning);
    let verified = false;
    if (options.verify !== false) {
      signal.throwIfAborted();
      phase('verifying');
      const verifyProgress = throttle((done) => context.progress({ done, total: written.bytes, unit: 'bytes' }));
      const readSha = await hashDeviceBytes(readPath, written.bytes, drive.kind !== 'file', { hash, logger, signal, onBytes: verifyProgress, platform });
      verifyProgress.flush();
      if (readSha !== written.sha256) {
        throw new DevicesError('VERIFY_FAILED', `Verification failed: ${drive.path} does not hold what was written (SHA-256 ${readSha} read back, ${written.sha256} written). The card may be failing or fake; try another one.`, {
          detail: `read ${readSha}\nwritten ${written.sha256}`,
        });
      }
      verified = true;
    }
    if (options.eject === true) {
      phase('ejecting');
      // The image is written and verified: a failed eject is a warning, not a failed flash.
      await ejectDrive(drive, { logger, platform }).catch((error: unknown) => warnings.push(toDevicesError(error).message));
    }
    return {
      imagePath: image.path,
      target: drive.path,
      bytesWritten: written.bytes,
      imageFileSha256: written.fileSha256,
      writtenSha256: written.sha256,
      verified,
      decompressor: image.format.describeDecompressor(options.decompressor),
      writeMode,
      warnings,
    };
  } catch (error) {
    const base = toDevicesError(error);
    const state = stateAfterStop(options.target, stage);
    if (isCancellation(base) || signal.aborted) throw new DevicesError('CANCELLED', `${base.message === 'Not confirmed.' ? base.message : 'Cancelled.'} ${state}`, { cause: error });
    // A failed verification already says what the card holds.
    if (base.code === 'VERIFY_FAILED') throw base;
    throw new DevicesError(base.code, `${base.message} ${state}`, { cause: error, ...(base.detail === undefined ? {} : { detail: base.detail }), actions: base.actions });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

interface WrittenBody {
  readonly head: Buffer;
  readonly bytes: number;
  readonly sha256: string;
  readonly fileSha256: string;
}

/** Streams the image: the first HEAD_BYTES into memory, the rest to the body sink. */
interface WriteHow {
  readonly mode: WriteMode;
  readonly hash: Exclude<HashChoice, 'auto'>;
  /** macOS: plain whole-sector writes through `handle` (raw-sink.ts), whatever the mode. */
  readonly darwin: boolean;
  readonly writePath: string;
  readonly wholeSectors: boolean;
}

async function writeBody(image: ImageSource, drive: Drive, handle: FileHandle, how: WriteHow, options: FlashOptions, context: JobContext): Promise<WrittenBody> {
  const logger = options.logger ?? SILENT_LOGGER;
  const signal = context.signal;
  const mode = how.mode;
  // Before the decompressor starts, so a failure here leaves no child behind. The wipe zeroed the
  // first MiB and the head is written there last: the direct sink may try its alignment there.
  const sink: BodySink = how.darwin
    ? rawSink(handle, { startOffset: HEAD_BYTES, wholeSectors: how.wholeSectors, devicePath: how.writePath })
    : mode === 'direct'
      ? await openDirectSink(drive.path, handle, HEAD_BYTES, { signal, logger })
      : bufferedSink(handle, HEAD_BYTES);
  const fileHasher = createSha256Hasher(how.hash, { signal, logger });
  const source = image.createStream({ signal, logger, fileHasher, ...(options.decompressor === undefined ? {} : { decompressor: options.decompressor }) });
  const hash = createSha256Hasher(how.hash, { signal, logger });
  const head = Buffer.alloc(Math.min(HEAD_BYTES, image.size.estimated ? HEAD_BYTES : image.size.bytes));
  let bytes = 0;
  const report = throttle((done: number) => {
    const fraction = image.fileSize > 0 ? source.fileBytesRead() / image.fileSize : 0;
    // An estimated total follows the share of the compressed file read so far (etcher-sdk's getRootStream idea).
    const total = image.size.estimated && fraction > 0 ? Math.max(done, Math.round(done / fraction)) : image.size.bytes;
    context.progress({ done, total, unit: 'bytes', ...(image.size.estimated ? { estimated: true } : {}) });
  });
  try {
    for await (const chunk of source.chunks) {
      signal.throwIfAborted();
      const hashing = hash.update(chunk);
      let body = chunk;
      if (bytes < head.length) {
        const take = Math.min(head.length - bytes, chunk.length);
        chunk.copy(head, bytes, 0, take);
        body = chunk.subarray(take);
      }
      bytes += chunk.length;
      if (drive.kind !== 'file' && bytes > drive.size) {
        throw new DevicesError('DRIVE_TOO_SMALL', `The image is larger than ${drive.path} (${drive.size} bytes).`);
      }
      if (body.length > 0) await sink.write(body);
      if (hashing !== undefined) await hashing;
      report(bytes);
    }
    await sink.end();
  } catch (error) {
    // Leaving the for-await ended the decompressor; the sink and the openssl hashers must end too.
    await Promise.allSettled([sink.abort(), hash.digest(), source.fileSha256()]);
    throw error;
  }
  report.flush();
  if (!image.size.estimated && bytes !== image.size.bytes) {
    throw bytes < image.size.bytes
      ? imageTruncated(image.path, `decompressed to ${bytes} bytes, the file records ${image.size.bytes}`)
      : imageCorrupt(image.path, `decompressed to ${bytes} bytes, more than the ${image.size.bytes} the file records`);
  }
  logger.info(`flash: wrote ${bytes} bytes to ${how.writePath} (${mode}, ${image.format.describeDecompressor(options.decompressor)})`);
  const [sha256, fileSha256] = await Promise.all([hash.digest(), source.fileSha256()]);
  return { head: bytes < head.length ? head.subarray(0, bytes) : head, bytes, sha256, fileSha256 };
}

interface Throttled {
  (done: number): void;
  flush(): void;
}

function throttle(report: (done: number) => void): Throttled {
  let last = 0;
  let latest: number | undefined;
  const fn = (done: number): void => {
    latest = done;
    const now = Date.now();
    if (now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      report(done);
    }
  };
  fn.flush = (): void => {
    if (latest !== undefined) report(latest);
  };
  return fn;
}

/**
 * core/flash: SD images to cards, safely. Images in every registered format (zstd, xz, gzip,
 * raw, a Nix result folder) are streamed, never unpacked to disk; drives are listed with lsblk
 * and judged by one pure policy; a flash is a Job whose phases, progress, hashes and cancel
 * state the UI and the CLI render.
 */
export { IMAGE_FORMATS, formatForMagic, formatForName, estimateGzipSize } from './formats';
export type { DecompressorChoice, ImageFormat, ImageFormatId, ImageSize } from './image-format';
export { openImage, type ImageSource, type ImageStream, type ImageStreamOptions } from './image-source';
export { findImageInResult, parseHydraBuildProducts, type BuildProduct } from './nix-result';
export { readZstdLayout, type ZstdLayout } from './formats/zstd-frames';
export { readXzUncompressedSize } from './formats/xz-index';
export { describeDrive, formatBytes, type Drive, type DriveKind } from './drive';
export { cleanLabel } from './clean-label';
export { LSBLK_COLUMNS, parseLsblk, parseProcSwaps } from './lsblk';
export { describeTarget, listDrives, type ListDrivesOptions } from './list-drives';
export { listDrivesDarwin, parseDiskutil, wholeDiskOf } from './diskutil';
export {
  assessDrive,
  isSystemMountpoint,
  looksLikeCard,
  LARGE_DRIVE_BYTES,
  SYSTEM_MOUNTPOINTS,
  type DriveAssessment,
  type DriveProblem,
  type DrivePolicyOptions,
} from './drive-policy';
export { HEAD_BYTES, WIPE_BYTES } from './device-ops';
export type { WriteMode } from './body-sink';
export { hashDeviceBytes } from './read-back';
export { startFlash, type FlashOptions, type FlashPhase, type FlashPlan, type FlashResult } from './flash-image';
export { formatProgress, ProgressMeter, type ProgressReading } from './flash-progress';
export { createSha256Hasher, resolveHashChoice, type HashChoice, type Sha256Hasher } from './sha256-hasher';

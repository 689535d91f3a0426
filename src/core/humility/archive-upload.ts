/**
 * Puts a Hubris archive on a board once: named by its SHA-256 under
 * ~/.cache/nixos-devices/humility/<sha256>.zip (the login user's home), written atomically over
 * SFTP, and skipped when a file of that name with that hash is already there.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DevicesError } from '../errors';
import type { SshConnection } from '../remote';

export const REMOTE_ARCHIVE_DIR = '.cache/nixos-devices/humility';

export interface ArchiveUpload {
  readonly remotePath: string;
  readonly sha256: string;
  /** False when the board already had it. */
  readonly uploaded: boolean;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new DevicesError('NOT_FOUND', `Could not read the Hubris archive ${path}: ${error instanceof Error ? error.message : String(error)}. Check the humility archive setting.`, { cause: error });
  }
  return hash.digest('hex');
}

/** Prints the absolute path and whether a file with the hash is there: `PATH<TAB>present|absent`. */
const CHECK_SCRIPT = `
dir=$1; case $dir in /*) ;; *) dir="$HOME/$dir" ;; esac
file="$dir/$2.zip"
mkdir -p "$dir" || exit 1
if [ -f "$file" ] && [ "$(sha256sum "$file" 2>/dev/null | cut -d' ' -f1)" = "$2" ]; then s=present; else s=absent; fi
printf '%s\\t%s\\n' "$file" "$s"
`;

export interface UploadArchiveOptions {
  /** Where archives go on the board: absolute, or relative to the login's home. */
  readonly remoteDir?: string;
  readonly signal?: AbortSignal;
}

export async function uploadArchive(connection: SshConnection, localPath: string, options: UploadArchiveOptions = {}): Promise<ArchiveUpload> {
  const sha256 = await sha256OfFile(localPath);
  const checked = await connection.execChecked(['sh', '-c', CHECK_SCRIPT, 'sh', options.remoteDir ?? REMOTE_ARCHIVE_DIR, sha256], options.signal === undefined ? {} : { signal: options.signal });
  const [remotePath = '', state] = checked.stdout.trim().split('\t');
  if (!remotePath.startsWith('/')) throw new DevicesError('PROGRAM_FAILED', `Could not prepare ${REMOTE_ARCHIVE_DIR} on ${connection.target}: ${checked.stdout.trim()}.`);
  if (state === 'present') return { remotePath, sha256, uploaded: false };
  const files = await connection.sftp();
  await files.writeFileAtomic(remotePath, await readFile(localPath), { mode: 0o644 });
  return { remotePath, sha256, uploaded: true };
}

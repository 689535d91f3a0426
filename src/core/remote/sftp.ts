/**
 * SFTP helpers over one session: read files and links on the device (profiles, extlinux.conf),
 * and write a file atomically (temporary name in the same folder, then rename over the target).
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { FileEntry, SFTPWrapper, Stats } from 'ssh2';
import { DevicesError } from '../errors';

export interface RemoteStat {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
  readonly mode: number;
  readonly size: number;
  /** Seconds since the epoch, UTC. */
  readonly mtime: number;
}

export interface RemoteDirEntry extends RemoteStat {
  readonly name: string;
}

/** SFTP status 2 (SSH_FX_NO_SUCH_FILE) arrives as `code: 2` on ssh2's errors. */
function isNoSuchFile(error: Error): boolean {
  return Reflect.get(error, 'code') === 2;
}

function toStat(stats: Stats): RemoteStat {
  const kind = stats.isSymbolicLink() ? 'symlink' : stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
  return { kind, mode: stats.mode & 0o7777, size: stats.size, mtime: stats.mtime };
}

export class RemoteFiles {
  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly target: string,
  ) {}

  private fail(action: string, path: string, error: Error): DevicesError {
    if (isNoSuchFile(error)) return new DevicesError('NOT_FOUND', `${path} does not exist on ${this.target}.`, { cause: error });
    return new DevicesError('SSH_FAILED', `Could not ${action} ${path} on ${this.target}: ${error.message}.`, { cause: error });
  }

  private call<T>(action: string, path: string, start: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      start((error, value) => {
        if (error) reject(this.fail(action, path, error));
        else resolve(value);
      });
    });
  }

  readFile(path: string): Promise<Buffer> {
    return this.call('read', path, (done) => this.sftp.readFile(path, done));
  }

  readlink(path: string): Promise<string> {
    return this.call('read the link', path, (done) => this.sftp.readlink(path, done));
  }

  async lstat(path: string): Promise<RemoteStat> {
    return toStat(await this.call('stat', path, (done) => this.sftp.lstat(path, done)));
  }

  /** Entries sorted by name, without `.` and `..`; kinds as lstat would give them. */
  async readdir(path: string): Promise<RemoteDirEntry[]> {
    const entries = await this.call<FileEntry[]>('list', path, (done) => this.sftp.readdir(path, done));
    return entries
      .filter((e) => e.filename !== '.' && e.filename !== '..')
      .map((e) => ({ name: e.filename, ...toStat(e.attrs) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Writes `data` to a temporary file beside `path`, then renames it over `path` (POSIX
   * rename via posix-rename@openssh.com, so a reader sees the old or the new file, never half). */
  async writeFileAtomic(path: string, data: Buffer | string, options: { readonly mode?: number } = {}): Promise<void> {
    const temp = posix.join(posix.dirname(path), `.${posix.basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await this.call<undefined>('write', temp, (done) => this.sftp.writeFile(temp, bytes, { mode: options.mode ?? 0o644 }, (e) => done(e, undefined)));
    try {
      await this.call<undefined>('rename', path, (done) => this.sftp.ext_openssh_rename(temp, path, (e) => done(e, undefined)));
    } catch (error) {
      await this.call<undefined>('remove', temp, (done) => this.sftp.unlink(temp, (e) => done(e, undefined))).catch(() => undefined);
      throw error;
    }
  }

  close(): void {
    this.sftp.end();
  }
}

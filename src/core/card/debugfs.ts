/**
 * Running debugfs (e2fsprogs) against a card's file system without mounting it. Every command
 * list runs as one `debugfs [-w] -f - TARGET` session: within a session libext2fs keeps changed
 * blocks in its cache and writes them when the file system is closed (then fsyncs), so a session
 * is the unit of change. Because debugfs exits 0 when commands fail, callers check the error
 * lines returned here and read back what they wrote.
 *
 * Trap (e2fsprogs 1.47.0): `mkdir` of a name that already exists allocates the new directory's
 * inode and block before it finds the name taken and does not give them back, leaving an
 * unconnected directory for e2fsck. Callers stat first and only mkdir what is missing.
 */
import { DevicesError } from '../errors';
import { run, type ExecResult } from '../exec';
import type { Logger } from '../log';
import type { CardFilesystem } from './card-filesystem';
import { debugfsErrorLines, isNotFoundLine, openFailureOf, parseDebugfsStat, splitSessionOutput, type DebugfsStat } from './debugfs-output';
import { findProgram, installAdvice } from './programs';

export interface DebugfsRunOptions {
  readonly write?: boolean;
  /** Folder the commands' local file names are relative to (`write LOCAL DEST`, `dump SRC LOCAL`). */
  readonly cwd?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

export interface DebugfsSession {
  readonly stdout: string;
  /** stderr lines other than the banner: each one is a failed command. */
  readonly errors: readonly string[];
}

function execOptions(options: DebugfsRunOptions): { logger?: Logger; signal?: AbortSignal; cwd?: string } {
  return {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  };
}

/** Runs one session; throws when debugfs could not open the file system at all. */
export async function runDebugfs(fs: CardFilesystem, commands: readonly string[], options: DebugfsRunOptions = {}): Promise<DebugfsSession> {
  const program = await findProgram('debugfs');
  const argv = [program, ...(options.write === true ? ['-w'] : []), '-f', '-', fs.debugfsTarget];
  let result: ExecResult;
  try {
    result = await run(argv, {
      ...execOptions(options),
      stdin: `${commands.join('\n')}\n`,
      parseable: true,
      // Never a pager between debugfs and us.
      env: { DEBUGFS_PAGER: '__none__', PAGER: '__none__' },
    });
  } catch (error) {
    if (error instanceof DevicesError && error.code === 'SPAWN_FAILED') {
      throw new DevicesError('SPAWN_FAILED', `Could not run debugfs, which reads and writes the card's file system. ${installAdvice('debugfs')}`, { cause: error });
    }
    throw error;
  }
  const errors = debugfsErrorLines(result.stderr);
  const failure = openFailureOf(errors);
  if (failure !== undefined) {
    const where = describeFs(fs);
    if (failure.kind === 'permission') {
      throw new DevicesError('PERMISSION_DENIED', `No permission to ${options.write === true ? 'write' : 'read'} ${fs.card}. Run the card tools as root (sudo nixos-devices card …) for a card in a reader; image files need no root.`, { detail: failure.line });
    }
    throw new DevicesError('IMAGE_INVALID', `debugfs could not open the file system on ${where}: ${failure.line}`, { detail: result.stderr });
  }
  if (result.exitCode !== 0) {
    throw new DevicesError('PROGRAM_FAILED', `debugfs failed on ${describeFs(fs)} (exit ${String(result.exitCode)}): ${errors.slice(-3).join('; ')}`, { detail: result.stderr });
  }
  return { stdout: result.stdout, errors };
}

export function describeFs(fs: CardFilesystem): string {
  return fs.partition === undefined ? fs.card : `partition ${String(fs.partition.number)} ("${fs.label}") of ${fs.card}`;
}

/** `stat` of each path in one session; undefined for a path that does not exist. */
export async function statPaths(fs: CardFilesystem, paths: readonly string[], options: DebugfsRunOptions = {}): Promise<Map<string, DebugfsStat | undefined>> {
  const session = await runDebugfs(fs, paths.map((p) => `stat ${p}`), { ...options, write: false });
  const sections = splitSessionOutput(session.stdout);
  const stats = new Map<string, DebugfsStat | undefined>();
  paths.forEach((path, index) => {
    const section = sections[index];
    const stat = section?.command === `stat ${path}` ? parseDebugfsStat(section.output) : undefined;
    stats.set(path, stat);
  });
  const unexplained = session.errors.filter((line) => !paths.some((p) => isNotFoundLine(line, p)));
  if (unexplained.length > 0) {
    throw new DevicesError('PROGRAM_FAILED', `debugfs could not look up files on ${describeFs(fs)}: ${unexplained.join('; ')}`);
  }
  return stats;
}

/** Copies `path` from the card to `localName` in `options.cwd` (`dump`, byte for byte). */
export async function dumpFile(fs: CardFilesystem, path: string, localName: string, options: DebugfsRunOptions & { readonly cwd: string }): Promise<'copied' | 'missing'> {
  const session = await runDebugfs(fs, [`dump ${path} ${localName}`], { ...options, write: false });
  if (session.errors.some((line) => isNotFoundLine(line, path))) return 'missing';
  if (session.errors.length > 0) throw new DevicesError('PROGRAM_FAILED', `debugfs could not read ${path} from ${describeFs(fs)}: ${session.errors.join('; ')}`);
  return 'copied';
}

/** Runs a writing session and throws when any command failed, naming them. */
export async function writeSession(fs: CardFilesystem, commands: readonly string[], what: string, options: DebugfsRunOptions = {}): Promise<void> {
  const session = await runDebugfs(fs, commands, { ...options, write: true });
  if (session.errors.length > 0) {
    throw new DevicesError('PROGRAM_FAILED', `debugfs could not ${what} on ${describeFs(fs)}: ${session.errors.join('; ')}. Check the card with e2fsck before using it.`, {
      detail: `${commands.join('\n')}\n---\n${session.errors.join('\n')}`,
    });
  }
}

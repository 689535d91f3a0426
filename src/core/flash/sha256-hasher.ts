/**
 * SHA-256 of a stream, in-process or by `openssl dgst` fed through a pipe. Measured here (1 GiB):
 * Node's crypto hashes at ~400 MB/s (2.7 s, node 20 and 24 alike: their bundled OpenSSL does not
 * use the CPU's SHA instructions here) and the system's `openssl dgst -sha256` at 1.4 GB/s; but
 * feeding openssl through a pipe costs about what it saves (whole flash: 6.4 s of CPU with
 * openssl vs 5.3 s in-process; bench/flash: 10.7 s vs 8.8 s wall, verify 5.6 s vs 4.6 s on a
 * loaded 2-core machine). So 'auto' is Node's crypto; 'program' stays for the bench and for
 * machines with more cores, where a hashing stage of its own can run beside dd.
 */
import { createHash } from 'node:crypto';
import { DevicesError } from '../errors';
import { programFailed, spawnProcess } from '../exec';
import type { Logger } from '../log';
import { writeBounded } from './child-input';

export type HashChoice = 'auto' | 'in-process' | 'program';

export interface Sha256Hasher {
  /** Adds bytes in order; a returned promise asks the caller to wait before the next chunk. */
  update(chunk: Buffer): Promise<void> | undefined;
  /** Hex digest of everything added. */
  digest(): Promise<string>;
  /** True when `update` may still hold the chunk after returning (queued for a program's
   * stdin): a caller that reuses its buffer must pass a copy. */
  readonly keepsChunks: boolean;
}

export interface HasherOptions {
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

const OPENSSL_DIGEST = /^([0-9a-f]{64})\b/;

function inProcessHasher(): Sha256Hasher {
  const hash = createHash('sha256');
  return {
    keepsChunks: false,
    update(chunk) {
      hash.update(chunk);
      return undefined;
    },
    digest: async () => hash.digest('hex'),
  };
}

function programHasher(options: HasherOptions): Sha256Hasher {
  const running = spawnProcess(['openssl', 'dgst', '-sha256', '-r'], {
    keepStdinOpen: true,
    parseable: true,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  running.result.catch(() => undefined);
  const stdin = running.child.stdin;
  stdin?.on('error', () => undefined); // a failure shows in the exit status below
  return {
    keepsChunks: true,
    update(chunk) {
      return stdin === null ? undefined : writeBounded(stdin, chunk);
    },
    async digest() {
      stdin?.end();
      const result = await running.result;
      const match = OPENSSL_DIGEST.exec(result.stdout);
      if (result.exitCode !== 0 || match?.[1] === undefined) {
        throw new DevicesError('PROGRAM_FAILED', 'openssl did not print a SHA-256 digest.', { cause: programFailed(result), detail: result.stdout });
      }
      return match[1];
    },
  };
}

/** Turns 'auto' into the measured choice. */
export function resolveHashChoice(choice: HashChoice = 'auto'): Exclude<HashChoice, 'auto'> {
  return choice === 'auto' ? 'in-process' : choice;
}

/** A hasher for a resolved choice (see resolveHashChoice). */
export function createSha256Hasher(choice: Exclude<HashChoice, 'auto'>, options: HasherOptions = {}): Sha256Hasher {
  return choice === 'program' ? programHasher(options) : inProcessHasher();
}

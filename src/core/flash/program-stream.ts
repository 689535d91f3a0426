/**
 * A decompressing program (`zstd -dc`, `xz -dc`) as a stream: we feed it the compressed file
 * through stdin (so we can count and hash the bytes as shipped) and read the image from stdout.
 * A non-zero exit becomes the error of the stream, mapped by the format (truncated or corrupt).
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toDevicesError, type DevicesError } from '../errors';
import { spawnProcess, type ExecResult } from '../exec';
import type { Logger } from '../log';
import { errorCode } from './image-errors';

export interface ProgramStreamOptions {
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** Turns a failed run (non-zero exit, stderr) into the error the user sees. */
  readonly mapFailure: (result: ExecResult) => DevicesError;
}

export function programStream(argv: readonly string[], input: Readable, options: ProgramStreamOptions): AsyncGenerator<Buffer> {
  // Our own controller, so a consumer that stops reading (an error downstream) also ends the program.
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const running = spawnProcess(argv, {
    keepStdinOpen: true,
    rawStdout: true,
    parseable: true,
    signal: controller.signal,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const { stdin, stdout } = running.child;
  // The result is awaited below; this keeps an early rejection from being unhandled meanwhile.
  running.result.catch(() => undefined);
  const feeding =
    stdin === null
      ? Promise.resolve<unknown>(undefined)
      : pipeline(input, stdin).then(
          () => undefined,
          (error: unknown) => error,
        );

  async function* output(): AsyncGenerator<Buffer> {
    let finished = false;
    try {
      if (stdout !== null) {
        for await (const chunk of stdout) yield chunk as Buffer;
      }
      const result = await running.result;
      const feedError = await feeding;
      finished = true;
      if (result.exitCode !== 0) throw options.mapFailure(result);
      // EPIPE on stdin after a clean exit only means the program stopped reading (trailing data).
      if (feedError !== undefined && errorCode(feedError) !== 'EPIPE') throw toDevicesError(feedError, 'Reading the image failed');
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      if (!finished) {
        controller.abort();
        input.destroy();
      }
    }
  }
  return output();
}

/**
 * Helpers for the serial integration tests: termios of a pty read back the way a user would
 * (`stty -F … -a`, and termios2 through python3 for custom rates, which stty prints as 0), and
 * waiting for a session's bytes or states without sleeping.
 */
import { execFileSync } from 'node:child_process';
import type { SerialSession, SessionState } from '../../../src/core/serial';

export interface TtyFlags {
  readonly speed: number;
  /** Every flag word of `stty -a` (e.g. "-parenb", "cs8", "crtscts"). */
  readonly flags: ReadonlySet<string>;
}

export function parseSttyAll(text: string): TtyFlags {
  const speed = Number(/speed (\d+) baud/.exec(text)?.[1] ?? NaN);
  const flags = new Set(text.split(/[\s;]+/).filter((w) => /^-?[a-z0-9]+$/.test(w)));
  return { speed, flags };
}

export function readStty(path: string, run: (argv: string[]) => string = (argv) => execFileSync(argv[0] ?? 'stty', argv.slice(1)).toString()): TtyFlags {
  return parseSttyAll(run(['stty', '-F', path, '-a']));
}

const TERMIOS2 = `import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
buf = bytearray(44)
fcntl.ioctl(fd, 0x802C542A, buf)  # TCGETS2
print(*struct.unpack_from('II', buf, 36))`;

/** The input and output speed in termios2 (BOTHER rates included). */
export function readTermios2Speed(path: string): number[] {
  return execFileSync('python3', ['-c', TERMIOS2, path]).toString().trim().split(/\s+/).map(Number);
}

/** Collects a session's received bytes; `waitFor(n)` resolves when n bytes arrived. */
export class Received {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private waiters: { n: number; resolve: () => void }[] = [];
  constructor(session: SerialSession) {
    session.onData((chunk) => {
      this.chunks.push(Buffer.from(chunk));
      this.size += chunk.length;
      this.waiters = this.waiters.filter((w) => (this.size >= w.n ? (w.resolve(), false) : true));
    });
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  waitFor(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.size >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${String(this.size)} of ${String(n)} bytes arrived`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

export function nextState(session: SerialSession, kind: SessionState['kind'], timeoutMs = 15_000): Promise<SessionState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the session did not become ${kind} (it is ${session.state.kind})`));
    }, timeoutMs);
    const listener = session.onEvent((event) => {
      if (event.kind === 'state' && event.state.kind === kind) {
        clearTimeout(timer);
        listener.dispose();
        resolve(event.state);
      }
    });
  });
}

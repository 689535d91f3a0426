/**
 * A pty pair from socat (../shared/PEERS.md "Serial ports"): two links in a folder, ttyA and
 * ttyB, each a pty whose bytes come out of the other. `unplug()` ends socat (the links go, the
 * open ends read EIO, as a USB adapter's tty does when pulled); `replug()` starts a new socat on
 * the same link paths. `stop()` is idempotent and runs on process exit too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export interface SocatPair {
  readonly a: string;
  readonly b: string;
  /** The /dev/pts/N behind each link now. */
  ptys(): { readonly a: string; readonly b: string };
  unplug(): Promise<void>;
  replug(): Promise<void>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const live = new Set<ChildProcess>();
let exitHook = false;

function startSocat(a: string, b: string): Promise<ChildProcess> {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const child of live) child.kill('SIGKILL');
    });
  }
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start: ${stderr}`)), READY_TIMEOUT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // "starting data transfer loop" comes after both links exist.
      if (/starting data transfer loop/.test(stderr) && existsSync(a) && existsSync(b)) {
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${String(code)}: ${stderr}`));
    });
  });
}

async function stopSocat(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

export async function startSocatPair(dir: string, names: { readonly a?: string; readonly b?: string } = {}): Promise<SocatPair> {
  const a = join(dir, names.a ?? 'ttyA');
  const b = join(dir, names.b ?? 'ttyB');
  let child: ChildProcess | undefined = await startSocat(a, b);
  return {
    a,
    b,
    ptys: () => ({ a: realpathSync(a), b: realpathSync(b) }),
    unplug: async () => {
      await stopSocat(child);
      child = undefined;
    },
    replug: async () => {
      child = await startSocat(a, b);
    },
    stop: async () => {
      await stopSocat(child);
      child = undefined;
    },
  };
}

/**
 * A "board" behind a serial port, for the in-VS-Code console tests: socat gives a shell a pty
 * and links its other end at DIR/ttyCON (../shared/PEERS.md "Serial ports": a shell behind a
 * port). Whatever a console sends to the link, the shell reads as typed input and answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface SerialShell {
  /** The port to open. */
  readonly path: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

export async function startSerialShell(dir: string, name = 'ttyCON'): Promise<SerialShell> {
  const path = join(dir, name);
  // `sane` + `ctty`: the shell gets a normal line discipline, as a getty would give it.
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${path}`, "EXEC:/bin/sh -i,pty,stderr,setsid,sane,ctty"], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PS1: 'board$ ' } });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start: ${stderr}`)), READY_TIMEOUT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/starting data transfer loop/.test(stderr) && existsSync(path)) {
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${String(code)}: ${stderr}`));
    });
  });
  return {
    path,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

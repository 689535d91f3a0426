/**
 * Serial bench: bytes per second received through our SerialSession vs `cat` (as `head -c N`,
 * which ends after N bytes where cat on a tty never would) on the same socat pty pair, with the
 * same writer (`dd bs=64k` into the other end). Prints both and the ratio ours ÷ cat (goal ≥ 0.9).
 * Best of `--runs` each, alternating, so both see the same machine load.
 *
 *   node --import tsx bench/serial/run.ts [--mb 100] [--runs 3] [--log]
 *
 * `--log` also writes the session's byte-exact log file, as a console with logging on would.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, openSync, writeFileSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { join } from 'node:path';
import { SerialSession } from '../../src/core/serial';
import { makeTempDir } from '../../test/harness/temp-dir';
import { startSocatPair } from '../../test/integration/serial/socat-pair';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const megabytes = Number(argValue('--mb') ?? '100');
const runs = Number(argValue('--runs') ?? '3');
const withLog = args.includes('--log');
const bytes = megabytes * 1024 * 1024;

/** Call right after spawn: a fast child may exit before a later listener is attached. */
function exited(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
}

function writer(source: string, target: string): ReturnType<typeof spawn> {
  return spawn('dd', [`if=${source}`, `of=${target}`, 'bs=64k', 'status=none'], { stdio: 'ignore' });
}

async function viaCat(source: string, reader: string, board: string): Promise<number> {
  const cat = spawn('head', ['-c', String(bytes), reader], { stdio: ['ignore', 'ignore', 'inherit'] });
  const catExit = exited(cat);
  // head has the pty open before the writer starts: nothing may be read by no one.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = performance.now();
  const dd = writer(source, board);
  await Promise.all([catExit, exited(dd)]);
  return bytes / ((performance.now() - started) / 1000);
}

/** The fastest plain Node reader (what the session's local transport uses underneath), to
 * separate Node's own cost from the session's. */
async function viaNodeTty(source: string, reader: string, board: string): Promise<number> {
  const stream = new ReadStream(openSync(reader, constants.O_RDWR | constants.O_NOCTTY));
  let got = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  stream.on('data', (chunk: Buffer) => {
    got += chunk.length;
    if (got >= bytes) done();
  });
  const started = performance.now();
  const ddExit = exited(writer(source, board));
  await all;
  const rate = bytes / ((performance.now() - started) / 1000);
  await ddExit;
  stream.destroy();
  return rate;
}

async function viaSession(source: string, reader: string, board: string, log: string | undefined): Promise<number> {
  const session = new SerialSession({ kind: 'local', path: reader }, { ...(log === undefined ? {} : { log: { path: log } }) });
  let got = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  session.onData((chunk) => {
    got += chunk.length;
    if (got >= bytes) done();
  });
  await session.open();
  const started = performance.now();
  const ddExit = exited(writer(source, board));
  await all;
  const rate = bytes / ((performance.now() - started) / 1000);
  await ddExit;
  await session.close();
  return rate;
}

async function main(): Promise<void> {
  const dir = makeTempDir('bench-serial');
  const pair = await startSocatPair(dir.path);
  const cleanUp = async (): Promise<void> => {
    await pair.stop();
    dir.remove();
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
  try {
    const source = join(dir.path, 'payload.bin');
    writeFileSync(source, randomBytes(bytes));
    const cat: number[] = [];
    const ours: number[] = [];
    const nodeTty: number[] = [];
    for (let i = 0; i < runs; i++) {
      cat.push(await viaCat(source, pair.a, pair.b));
      nodeTty.push(await viaNodeTty(source, pair.a, pair.b));
      ours.push(await viaSession(source, pair.a, pair.b, withLog ? join(dir.path, `log-${String(i)}.log`) : undefined));
    }
    const mb = (r: number): string => `${(r / 1e6).toFixed(1)} MB/s`;
    const best = (rates: number[]): number => Math.max(...rates);
    console.log(`serial receive, ${String(megabytes)} MiB through a socat pty pair (best of ${String(runs)}${withLog ? ', session logging' : ''}):`);
    console.log(`  cat (head -c)      ${mb(best(cat)).padStart(12)}   runs: ${cat.map(mb).join(', ')}`);
    console.log(`  Node tty.ReadStream${mb(best(nodeTty)).padStart(12)}   runs: ${nodeTty.map(mb).join(', ')}`);
    console.log(`  SerialSession      ${mb(best(ours)).padStart(12)}   runs: ${ours.map(mb).join(', ')}`);
    console.log(`  ratio ours / cat   ${(best(ours) / best(cat)).toFixed(2)}   (goal >= 0.9)`);
  } finally {
    await cleanUp();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

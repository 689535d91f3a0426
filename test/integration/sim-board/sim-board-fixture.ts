/**
 * Driving scripts/sim-board/board.sh from tests: the example's SD image built by real Nix, the
 * board started in the foreground as `npm start` runs it, its other commands run as from another
 * shell, its serial console opened on the stable link, and a census of everything a board can
 * leave behind (namespace, veth, mounts, loop devices, processes).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SerialPort } from 'serialport';
import { deployCommand } from '../../../src/cli/deploy';
import { nixTestEnv } from '../../harness/nix';

export const REPO = join(__dirname, '..', '..', '..');
export const BOARD_SH = join(REPO, 'scripts', 'sim-board', 'board.sh');
/** board.sh's own ceilings are 20 s per step; a start is a few of them at most. */
const START_TIMEOUT_MS = 30_000;

/** STATE/board.json, as board.sh writes it. */
export interface BoardInfo {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  readonly sshConfig: string;
  readonly serial: string;
  readonly card: string;
  readonly cardDevice: string;
  readonly cardMountpoint: string;
  readonly systemRunning: boolean;
  readonly netns: string;
  readonly consoleLog: string;
  readonly stateDir: string;
}

/** Builds the example flake's images.vulpix (a copy of examples/, no git needed with path:). */
export function buildExampleImage(dir: string): string {
  const flake = join(dir, 'examples');
  cpSync(join(REPO, 'examples'), flake, { recursive: true });
  const out = execFileSync('nix', ['build', '--no-link', '--json', `path:${flake}#images.vulpix`], {
    env: { ...process.env, ...nixTestEnv() },
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const parsed = JSON.parse(out) as { outputs?: { out?: string } }[];
  const path = parsed[0]?.outputs?.out;
  if (path === undefined) throw new Error(`nix build gave no out path: ${out}`);
  return path;
}

/**
 * Deploys the example flake's vulpix node, at the given generation, to this board with the real
 * CLI: the flake copy is pointed at the board's address and state folder.
 */
export async function deployToBoard(flake: string, info: BoardInfo, state: string, generation: string): Promise<{ status: number; output: string }> {
  const file = join(flake, 'flake.nix');
  const text = readFileSync(file, 'utf-8')
    .replace('hostname = "10.78.0.2";', `hostname = "${info.host}";`)
    .replaceAll('/tmp/nixos-devices-board/', `${state}/`)
    .replace(/generation = "\d+";/, `generation = "${generation}";`);
  writeFileSync(file, text);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const status = await deployCommand(['vulpix'], { stdout: out, stderr: out, cwd: flake, env: { ...process.env, ...nixTestEnv() } }, new AbortController().signal);
  return { status, output: Buffer.concat(chunks).toString('utf-8') };
}

/** Runs a board.sh command to its end (as from another shell); returns stdout. */
export function board(command: string, state: string, extra: readonly string[] = []): string {
  return execFileSync('bash', [BOARD_SH, command, '--state', state, ...extra], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ForegroundBoard {
  readonly child: ChildProcess;
  readonly info: BoardInfo;
  output(): string;
  exited(): Promise<number | null>;
}

/** `board.sh start` in the foreground, as the start command runs it; resolves once it is up. */
export async function startForeground(state: string, index: number, extra: readonly string[] = []): Promise<ForegroundBoard> {
  const child = spawn('bash', [BOARD_SH, 'start', '--state', state, '--index', String(index), ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf-8')));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf-8')));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!text.includes('The board runs until')) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`board.sh start exited (${String(child.exitCode)}):\n${text}`);
    if (Date.now() > deadline) throw new Error(`board.sh start was not up within ${START_TIMEOUT_MS} ms:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, info: readBoardInfo(state), output: () => text, exited: () => exit };
}

export function readBoardInfo(state: string): BoardInfo {
  return JSON.parse(readFileSync(join(state, 'board.json'), 'utf-8')) as BoardInfo;
}

/** Runs a command on the board through the real OpenSSH client and the ssh_config it wrote. */
export function sshBoard(info: BoardInfo, command: string): string {
  return execFileSync('ssh', ['-F', info.sshConfig, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', 'board', command], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A file of the card's NIXOS_SD read from the card file itself (debugfs; no mount). */
export function readFromCard(card: string, path: string): string {
  const dump = execFileSync('sfdisk', ['--json', card], { encoding: 'utf-8' });
  const parts = (JSON.parse(dump) as { partitiontable: { partitions: { start: number; type: string }[] } }).partitiontable.partitions;
  const root = parts.find((p) => p.type === '83');
  if (root === undefined) throw new Error(`${card} has no Linux partition`);
  return execFileSync('debugfs', ['-R', `cat ${path}`, `${card}?offset=${String(root.start * 512)}`], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Waits until `read()` matches, or fails naming what was seen. */
export async function waitFor(what: string, read: () => string, test: (text: string) => boolean, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = read();
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms; got:\n${text.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The board's console, opened on its stable link as a terminal would. */
export class BoardConsole {
  private text = '';
  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => (this.text += chunk.toString('latin1')));
  }

  static async open(path: string): Promise<BoardConsole> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new BoardConsole(port);
  }

  read = (): string => this.text;

  write(keys: string): Promise<void> {
    return new Promise((resolve, reject) => this.port.write(keys, (error) => (error ? reject(error) : this.port.drain(() => resolve()))));
  }
  clear(): void {
    this.text = '';
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}

/** Everything of a board that could outlive it; empty when it left nothing behind. */
export function leftovers(state: string, index: number): string[] {
  const found: string[] = [];
  const netns = `nd-sim${String(index)}`;
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf-8' });
  if (namespaces.split('\n').some((line) => line.split(' ')[0] === netns)) found.push(`network namespace ${netns}`);
  if (existsSync(`/sys/class/net/ndsimh${String(index)}`)) found.push(`veth ndsimh${String(index)}`);
  for (const line of readFileSync('/proc/mounts', 'utf-8').split('\n')) if (line.includes(state)) found.push(`mount ${line}`);
  const loops = execFileSync('losetup', ['-j', join(state, 'card.img')], { encoding: 'utf-8' }).trim();
  if (loops !== '') found.push(`loop device ${loops}`);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmdline: string;
    let environ: string;
    try {
      [cmdline, environ] = [readFileSync(`/proc/${name}/cmdline`, 'latin1').replaceAll('\0', ' '), readFileSync(`/proc/${name}/environ`, 'latin1')];
    } catch {
      continue; // ended meanwhile
    }
    // qemu, socat, sshd and board.sh name the state folder in their argv; the serial relay in
    // its environment.
    if (cmdline.includes(state) || environ.includes(`${state}/`)) found.push(`process ${name}: ${cmdline}`);
  }
  if (existsSync(join(state, 'run'))) found.push(`${join(state, 'run')} still exists`);
  return found;
}

/**
 * A test "board" reached over SSH: a private sshd with its own host keys, its own /run and its
 * own /nix store (bind-mounted from the board's folder in a private mount namespace), either in a
 * network namespace behind a veth pair (10.77.x.y/30, unique per board, so many can run at once)
 * or on 127.0.0.1 at a free port (faster; no link to take down). `stop()` kills every process of
 * the board and deletes its namespace and veth; a process exit handler does the same for boards
 * a failed test did not stop. See ../shared/PEERS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { acquireSlot, recordSshd, releaseSlot, SLOT_BOARD_MARK, sweepSlot, type BoardSlot } from './ssh-device/board-slot';
import { writeBoardFiles, type ExtraUser, type HostKeyType } from './ssh-device/board-files';
import { killMountNamespace, mountNamespaceOf } from './ssh-device/board-processes';

export type { ExtraUser, HostKeyType } from './ssh-device/board-files';

export interface SshDeviceOptions {
  /** A label for logs and the temp folder. */
  readonly name?: string;
  /** 'netns' (default): own network namespace and veth; 'loopback': 127.0.0.1, random port. */
  readonly network?: 'netns' | 'loopback';
  /** Give the board's Nix its own nix.conf so nix-store/nix-env work there (the board always has
   * its own empty /nix; Nix creates the store and database on first use). */
  readonly withNixStore?: boolean;
  /** The host key sshd offers; `hostKeyTypes` for several. Default ed25519. */
  readonly hostKeyType?: HostKeyType;
  readonly hostKeyTypes?: readonly HostKeyType[];
  /** Non-root accounts that exist only on this board (for sudo tests). */
  readonly extraUsers?: readonly ExtraUser[];
  /** Allow password logins (sshd's own check against the board's /etc/shadow). Default false. */
  readonly passwordAuthentication?: boolean;
}

export interface SshDevice {
  readonly name: string;
  readonly dir: string;
  /** The address to connect to, and the port. */
  readonly host: string;
  readonly port: number;
  /** The network namespace and the machine's end of the veth (netns boards only). */
  readonly netns: string | undefined;
  readonly hostInterface: string | undefined;
  /** The client private key, authorized for root and every extra user. */
  readonly clientKey: string;
  /** The board's /nix as a folder on this machine. */
  readonly nixRoot: string;
  /** `type base64` of each host key, e.g. for a known_hosts line. */
  readonly hostKeys: readonly { readonly type: HostKeyType; readonly publicLine: string }[];
  /** A plain known_hosts line (`[host]:port` form when the port is not 22) for a host key. */
  knownHostsLine(type?: HostKeyType): string;
  /** OpenSSH client options that reach this board with the given known_hosts file. */
  sshArgs(knownHostsFile: string): string[];
  /** Adds a public key line to the board's authorized_keys (every user). */
  authorize(publicLine: string): void;
  /** Runs argv inside the board (its mount and network namespaces), without SSH. */
  runOnBoard(argv: readonly string[]): string;
  /** Sets the board's side of the veth down / up (netns mode only). */
  linkDown(): void;
  linkUp(): void;
  /** sshd's log so far (stderr, -e). */
  log(): string;
  /** Idempotent. */
  stop(): Promise<void>;
}

/** How long sshd gets to print "Server listening". */
const SSHD_READY_TIMEOUT_MS = 10_000;
const LOG_LIMIT_CHARS = 256 * 1024;

interface LiveBoard {
  stopSync(): void;
}
const liveBoards = new Set<LiveBoard>();
let exitHandlerInstalled = false;

function stopAll(): void {
  for (const board of liveBoards) board.stopSync();
}

/** Boards are stopped on exit, and on SIGINT/SIGTERM (the test runner's cancel), which skip
 * 'exit' handlers; the signal is then re-raised so the process still ends by it. */
function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', stopAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      stopAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function setUpNetwork(slot: BoardSlot): void {
  ip(['netns', 'add', slot.netns]);
  ip(['link', 'add', slot.hostIf, 'type', 'veth', 'peer', 'name', slot.boardIf]);
  ip(['link', 'set', slot.boardIf, 'netns', slot.netns]);
  ip(['addr', 'add', `${slot.hostAddress}/30`, 'dev', slot.hostIf]);
  ip(['link', 'set', slot.hostIf, 'up']);
  ip(['-n', slot.netns, 'addr', 'add', `${slot.boardAddress}/30`, 'dev', slot.boardIf]);
  ip(['-n', slot.netns, 'link', 'set', slot.boardIf, 'up']);
  ip(['-n', slot.netns, 'link', 'set', 'lo', 'up']);
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

async function waitForListening(child: ChildProcess, log: () => string): Promise<void> {
  const stderr = child.stderr;
  if (stderr === null) throw new Error('sshd has no stderr pipe');
  const timer = AbortSignal.timeout(SSHD_READY_TIMEOUT_MS);
  const ready = new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (log().includes('Server listening on')) resolve();
    };
    stderr.on('data', check);
    child.once('exit', (code) => reject(new Error(`sshd exited (${String(code)}) before listening:\n${log()}`)));
    timer.addEventListener('abort', () => reject(new Error(`sshd did not listen within ${String(SSHD_READY_TIMEOUT_MS)} ms:\n${log()}`)));
    check();
  });
  await ready;
}

export async function startSshDevice(options: SshDeviceOptions = {}): Promise<SshDevice> {
  installExitHandler();
  const name = options.name ?? 'board';
  const network = options.network ?? 'netns';
  const dir = mkdtempSync(join(tmpdir(), `${SLOT_BOARD_MARK}${name.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  // Loopback boards take a slot too: it records their sshd for the sweep of a dead owner's boards.
  const claimed = acquireSlot();
  const slot = network === 'netns' ? claimed : undefined;
  let child: ChildProcess | undefined;
  let namespace: string | undefined;
  let stopped = false;
  let logText = '';

  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    liveBoards.delete(board);
    if (namespace !== undefined) killMountNamespace(namespace);
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (slot !== undefined) sweepSlot(slot);
    releaseSlot(claimed);
    rmSync(dir, { recursive: true, force: true });
  };
  const board: LiveBoard = { stopSync };
  liveBoards.add(board);

  try {
    if (slot !== undefined) setUpNetwork(slot);
    const host = slot?.boardAddress ?? '127.0.0.1';
    const port = slot === undefined ? await freePort() : 22;
    const files = await writeBoardFiles({
      dir,
      listenAddress: host,
      port,
      hostKeyTypes: options.hostKeyTypes ?? [options.hostKeyType ?? 'ed25519'],
      withNixStore: options.withNixStore ?? false,
      extraUsers: options.extraUsers ?? [],
      passwordAuthentication: options.passwordAuthentication ?? false,
    });
    // The board's accounts (/etc/passwd, group, shadow, sudoers) lie over the machine's /etc as
    // an overlay, not as per-file binds: a test elsewhere that runs useradd renames a new
    // /etc/passwd into place, and the kernel detaches a bind of the old file in every board.
    const etcBinds = files.binds.filter(([, to]) => to.startsWith('/etc/'));
    const etcDirs = [...new Set(etcBinds.map(([from]) => dirname(from)))];
    const mounts = [
      ...files.binds.filter(([, to]) => !to.startsWith('/etc/')).map(([from, to]) => `mount --bind ${shellQuote(from)} ${shellQuote(to)}`),
      ...(etcDirs.length === 0 ? [] : [`mount -t overlay overlay -o ${shellQuote(`lowerdir=${[...etcDirs, '/etc'].join(':')}`)} /etc`]),
    ];
    const script = [...mounts, `exec /usr/sbin/sshd -D -e -f ${shellQuote(files.sshdConfig)}`].join(' && ');
    const inner = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script];
    const argv = slot === undefined ? inner : ['ip', 'netns', 'exec', slot.netns, ...inner];
    const started = spawn(argv[0] ?? 'unshare', argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child = started;
    started.stderr.on('data', (chunk: Buffer) => {
      logText = (logText + chunk.toString('utf-8')).slice(-LOG_LIMIT_CHARS);
    });
    await waitForListening(started, () => logText);
    // A board a test forgot to stop must not keep the test process alive; the exit handler ends it.
    started.unref();
    // The stderr pipe is a net.Socket, which can be unref'd too.
    const stderrHandle = started.stderr as unknown as { unref?: () => void };
    stderrHandle.unref?.();
    const pid = started.pid;
    if (pid === undefined) throw new Error('sshd has no pid');
    recordSshd(claimed, pid);
    namespace = mountNamespaceOf(pid);
    if (namespace === mountNamespaceOf(process.pid)) throw new Error('sshd is not in a private mount namespace');

    const device: SshDevice = {
      name,
      dir,
      host,
      port,
      netns: slot?.netns,
      hostInterface: slot?.hostIf,
      clientKey: files.clientKey,
      nixRoot: files.nixRoot,
      hostKeys: files.hostKeys.map((k) => ({ type: k.type, publicLine: k.publicLine })),
      knownHostsLine(type) {
        const key = files.hostKeys.find((k) => type === undefined || k.type === type);
        if (key === undefined) throw new Error(`board ${name} has no ${String(type)} host key`);
        const hostName = port === 22 ? host : `[${host}]:${String(port)}`;
        return `${hostName} ${key.publicLine}`;
      },
      sshArgs(knownHostsFile) {
        return ['-p', String(port), '-i', files.clientKey, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-F', '/dev/null'];
      },
      authorize(publicLine) {
        appendFileSync(join(dir, 'authorized_keys'), `${publicLine.trim()}\n`);
      },
      runOnBoard(command) {
        const spaces = slot === undefined ? ['-m'] : ['-m', '-n'];
        return execFileSync('nsenter', ['-t', String(pid), ...spaces, '--', ...command], { encoding: 'utf-8' });
      },
      linkDown() {
        if (slot === undefined) throw new Error('linkDown needs a netns board');
        ip(['-n', slot.netns, 'link', 'set', slot.boardIf, 'down']);
      },
      linkUp() {
        if (slot === undefined) throw new Error('linkUp needs a netns board');
        ip(['-n', slot.netns, 'link', 'set', slot.boardIf, 'up']);
        // Neighbour entries that failed while the link was down make the next connect fail
        // with EHOSTUNREACH for seconds; a real network relearns them, so forget them here.
        ip(['neigh', 'flush', 'dev', slot.hostIf]);
        ip(['-n', slot.netns, 'neigh', 'flush', 'dev', slot.boardIf]);
      },
      log: () => logText,
      async stop() {
        if (stopped) return;
        // ref() again: the unref'd child alone would not keep the loop alive while we wait.
        child?.ref();
        const exited = child !== undefined && child.exitCode === null && child.signalCode === null ? once(child, 'exit') : Promise.resolve();
        stopSync();
        await exited;
      },
    };
    return device;
  } catch (error) {
    stopSync();
    throw error;
  }
}

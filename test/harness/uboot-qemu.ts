/**
 * A real u-boot on a serial line, for integration tests (../shared/PEERS.md, "U-Boot's extlinux
 * menu over a serial line"): Debian's qemu_arm u-boot in qemu-system-arm, booting a disk laid
 * out like a NixOS SD image (FAT "FIRMWARE" at 8 MiB, ext4 "NIXOS_SD" with /boot/extlinux).
 *
 *   const disk = await buildUBootDisk({ dir, extlinuxConf, bootFiles: { 'nixos/k-zImage': 'k' } });
 *   const qemu = await startUBootQemu({ dir, disk });   // paused: nothing printed yet
 *   const port = open(qemu.serialPath);                  // open the console first …
 *   await qemu.resume();                                 // … then let u-boot run
 *   await qemu.stop();                                   // idempotent, in `after`
 *
 * qemu starts paused (`-S`) because console output sent before the port is opened is lost.
 *
 * For power cycles with a console that stays open (a USB-serial adapter on the board):
 *   const board = await startUBootBoard({ dir, disk });  // the adapter's pty, board off
 *   const port = open(board.serialPath);
 *   await board.powerOn();  …  await board.powerCycle();  // a new qemu, same disk, same pty
 * and readBootFile / writeBootFile change files on the image's NIXOS_SD (debugfs).
 */
import { existsSync, mkdirSync, watch, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { runChecked, spawnProcess, type RunningProcess } from '../../src/core/exec';

export const DEBIAN_UBOOT_QEMU_ARM = '/usr/lib/u-boot/qemu_arm/u-boot.bin';
/** NixOS's sd-image puts the FIRMWARE partition at 8 MiB (sector 16384). */
const FIRMWARE_START_SECTOR = 16384;
const SECTOR_BYTES = 512;
/** qemu prints the pty path or socat its pty within this; more means something is wrong. */
const STARTUP_TIMEOUT_MS = 10_000;

export type BootFileContent = string | Uint8Array;

export interface UBootDiskOptions {
  /** Work folder (a test's temp dir); the image and its parts are written here. */
  readonly dir: string;
  /** Text of /boot/extlinux/extlinux.conf on NIXOS_SD. */
  readonly extlinuxConf: string;
  /** Files under /boot on NIXOS_SD, by path relative to /boot (`nixos/<hash>-zImage`). */
  readonly bootFiles?: Readonly<Record<string, BootFileContent>>;
  /** Files at the root of FIRMWARE (config.txt, …). */
  readonly firmwareFiles?: Readonly<Record<string, BootFileContent>>;
  readonly firmwareMiB?: number;
  readonly rootMiB?: number;
  /** Image file name inside `dir`. */
  readonly name?: string;
}

/** Builds the disk image without root or loop devices; returns its path (~1 s). */
export async function buildUBootDisk(options: UBootDiskOptions): Promise<string> {
  const firmwareMiB = options.firmwareMiB ?? 32;
  const rootMiB = options.rootMiB ?? 32;
  const name = options.name ?? 'sd.img';
  const work = join(options.dir, `${name}.parts`);
  const rootDir = join(work, 'root');
  const firmwareDir = join(work, 'firmware');
  writeTree(join(rootDir, 'boot'), { 'extlinux/extlinux.conf': options.extlinuxConf, ...options.bootFiles });
  writeTree(firmwareDir, options.firmwareFiles ?? {});

  const firmwareImage = join(work, 'firmware.img');
  const rootImage = join(work, 'root.img');
  const image = join(options.dir, name);
  const mib = 1024 * 1024;
  const firmwareSectors = (firmwareMiB * mib) / SECTOR_BYTES;
  const rootStart = FIRMWARE_START_SECTOR + firmwareSectors;
  await runChecked(['truncate', '-s', String((rootStart * SECTOR_BYTES) + rootMiB * mib), image]);
  await runChecked(['sfdisk', '--quiet', image], {
    stdin: `label: dos\nstart=${FIRMWARE_START_SECTOR}, size=${firmwareSectors}, type=b\nstart=${rootStart}, type=83, bootable\n`,
  });
  await runChecked(['mkfs.vfat', '-C', '-F', '32', '-s', '1', '-n', 'FIRMWARE', firmwareImage, String(firmwareMiB * 1024)]);
  for (const file of Object.keys(options.firmwareFiles ?? {})) {
    await runChecked(['mcopy', '-i', firmwareImage, join(firmwareDir, file), `::${file}`]);
  }
  await runChecked(['truncate', '-s', String(rootMiB * mib), rootImage]);
  await runChecked(['mkfs.ext4', '-q', '-F', '-L', 'NIXOS_SD', '-d', rootDir, rootImage]);
  await runChecked(['dd', `if=${firmwareImage}`, `of=${image}`, `bs=${SECTOR_BYTES}`, `seek=${FIRMWARE_START_SECTOR}`, 'conv=notrunc', 'status=none']);
  await runChecked(['dd', `if=${rootImage}`, `of=${image}`, `bs=${SECTOR_BYTES}`, `seek=${rootStart}`, 'conv=notrunc', 'status=none']);
  return image;
}

function writeTree(root: string, files: Readonly<Record<string, BootFileContent>>): void {
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

export interface UBootQemuOptions {
  /** Folder for the monitor and serial sockets (a test's temp dir). */
  readonly dir: string;
  /** The disk image (buildUBootDisk); attached read-only as virtio-blk, which this u-boot scans. */
  readonly disk: string;
  /**
   * `pty`: qemu's own pty (`/dev/pts/N`). `link`: qemu serial on a unix socket bridged by socat
   * to a pty with a stable symlink `<dir>/ttyUBOOT`, which survives a qemu restart.
   * `socket`: qemu serial on the unix socket `<dir>/qemu-serial.sock` only (serialPath), for a
   * caller that bridges it itself (startUBootBoard).
   */
  readonly serial?: 'pty' | 'link' | 'socket';
  readonly uBootBin?: string;
  readonly memoryMiB?: number;
}

export interface UBootQemu {
  /** The console to open before `resume()`: /dev/pts/N, or the stable link. */
  readonly serialPath: string;
  /** Starts the paused machine (monitor `cont`). */
  resume(): Promise<void>;
  /** A power cycle as u-boot sees it (monitor `system_reset`): banner, autoboot, menu again. */
  powerCycle(): Promise<void>;
  /**
   * Ends qemu (and socat) and waits until they are gone; idempotent. Through core/exec's cancel:
   * SIGINT to the process group, SIGTERM and SIGKILL after its grace periods.
   */
  stop(): Promise<void>;
}

/** Starts qemu paused with u-boot as firmware and the console on a pty. */
export async function startUBootQemu(options: UBootQemuOptions): Promise<UBootQemu> {
  const mode = options.serial ?? 'pty';
  const monitorPath = join(options.dir, 'qemu-monitor.sock');
  const serialSocket = join(options.dir, 'qemu-serial.sock');
  const serialArgs =
    mode === 'pty'
      ? ['-chardev', 'pty,id=ser0']
      : ['-chardev', `socket,id=ser0,path=${serialSocket},server=on,wait=off`];
  const stopper = new AbortController();
  const children: RunningProcess[] = [];
  let ptyPath: ((path: string) => void) | undefined;
  const ptyPromise = new Promise<string>((resolve) => (ptyPath = resolve));
  // qemu 7.2 prints "char device redirected to …" on stdout (older versions on stderr).
  const findPty = (line: string): void => {
    const match = /char device redirected to (\/dev\/pts\/\d+) \(label ser0\)/.exec(line);
    if (match?.[1] !== undefined) ptyPath?.(match[1]);
  };
  const qemu = spawnProcess(
    [
      'qemu-system-arm', '-M', 'virt', '-m', String(options.memoryMiB ?? 256), '-display', 'none',
      '-S', '-monitor', `unix:${monitorPath},server=on,wait=off`,
      ...serialArgs, '-serial', 'chardev:ser0',
      '-bios', options.uBootBin ?? DEBIAN_UBOOT_QEMU_ARM,
      '-drive', `if=none,file=${options.disk},format=raw,id=hd0,readonly=on`,
      '-device', 'virtio-blk-device,drive=hd0', '-nic', 'none',
    ],
    {
      signal: stopper.signal,
      onStdoutLine: findPty,
      onStderrLine: findPty,
    },
  );
  children.push(qemu);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      monitor?.destroy();
      stopper.abort();
      await Promise.allSettled(children.map((child) => child.result));
    })();
    return stopped;
  };
  let monitor: Socket | undefined;
  try {
    let serialPath: string;
    await withTimeout(waitForFile(monitorPath), qemu, 'qemu did not open its monitor socket');
    if (mode === 'pty') {
      serialPath = await withTimeout(ptyPromise, qemu, 'qemu did not report its serial pty');
    } else if (mode === 'socket') {
      serialPath = serialSocket;
      await withTimeout(waitForFile(serialSocket), qemu, 'qemu did not open its serial socket');
    } else {
      serialPath = join(options.dir, 'ttyUBOOT');
      await withTimeout(waitForFile(serialSocket), qemu, 'qemu did not open its serial socket');
      await waitForSocat(serialSocket, serialPath, stopper.signal, children);
    }
    monitor = await openMonitor(monitorPath);
    const command = async (text: string): Promise<void> => {
      const socket = monitor;
      if (socket === undefined) throw new Error('qemu monitor is closed');
      await new Promise<void>((resolve, reject) => socket.write(`${text}\n`, (error) => (error ? reject(error) : resolve())));
    };
    return {
      serialPath,
      resume: () => command('cont'),
      powerCycle: () => command('system_reset'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function withTimeout<T>(promise: Promise<T>, qemu: RunningProcess, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
  });
  const exited = qemu.result.then((result) => {
    throw new Error(`${what}: ${result.argv[0] ?? 'it'} exited (${String(result.exitCode)}): ${result.stderr.trim()}`);
  });
  // Once the race is decided, the later exit of the program is expected, not an error.
  exited.catch(() => undefined);
  try {
    return await Promise.race([promise, timeout, exited]);
  } finally {
    clearTimeout(timer);
  }
}

/** socat bridges qemu's serial socket to a pty at a stable link; `-d -d` says when it is there. */
async function waitForSocat(socket: string, link: string, signal: AbortSignal, children: RunningProcess[]): Promise<void> {
  let ready: (() => void) | undefined;
  const readyPromise = new Promise<string>((resolve) => (ready = () => resolve(link)));
  const socat = spawnProcess(['socat', '-d', '-d', `pty,raw,echo=0,link=${link}`, `UNIX-CONNECT:${socket}`], {
    signal,
    onStderrLine: (line) => {
      if (/starting data transfer loop/.test(line)) ready?.();
    },
  });
  children.push(socat);
  await withTimeout(readyPromise, socat, 'socat did not connect to the qemu serial socket');
}

/** Resolves when `path` exists, woken by the folder's change events rather than by polling. */
function waitForFile(path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const watcher = watch(dirname(path), () => check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} did not appear within ${STARTUP_TIMEOUT_MS} ms`));
    }, STARTUP_TIMEOUT_MS);
    const check = (): void => {
      if (!existsSync(path)) return;
      clearTimeout(timer);
      watcher.close();
      resolve();
    };
    check();
  });
}

/** The monitor socket exists once qemu has parsed its options, before it prints the pty path. */
function openMonitor(path: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
    // The monitor's greeting and echo are not needed; reading keeps its buffer from filling.
    socket.on('data', () => undefined);
  });
}

export interface UBootBoardOptions {
  /** Folder for the adapter's socket and link and one sub-folder per power-on. */
  readonly dir: string;
  readonly disk: string;
  readonly uBootBin?: string;
  readonly memoryMiB?: number;
}

/**
 * A board behind a USB-serial adapter: the console pty (`<dir>/ttyUBOOT`) belongs to the adapter,
 * not to the board, so it stays open while the board is powered off and on, like an FTDI cable
 * on a Raspberry Pi. Power off ends qemu; power on starts a new qemu on the same disk (re-read, so
 * a test may change the image while the board is off).
 *
 *   pty (socat) ⇄ adapter.sock (this process) ⇄ qemu-serial.sock (the qemu of this power-on)
 */
export interface UBootBoard {
  /** The adapter's pty; open it once, before `powerOn()`. */
  readonly serialPath: string;
  /** Starts a new qemu paused, bridges its console, then lets u-boot run. */
  powerOn(): Promise<void>;
  /** Ends qemu (the console stays open, silent); idempotent. */
  powerOff(): Promise<void>;
  /** Power off, then on: u-boot starts from its banner on a freshly read disk. */
  powerCycle(): Promise<void>;
  /** A warm reset of the running machine (monitor `system_reset`), like `reboot`. */
  reboot(): Promise<void>;
  /** Ends qemu, the adapter and socat; idempotent. */
  stop(): Promise<void>;
}

export async function startUBootBoard(options: UBootBoardOptions): Promise<UBootBoard> {
  const adapterPath = join(options.dir, 'adapter.sock');
  const serialPath = join(options.dir, 'ttyUBOOT');
  const stopper = new AbortController();
  const children: RunningProcess[] = [];
  let adapter: Socket | undefined;
  let boardSide: Socket | undefined;
  let machine: UBootQemu | undefined;
  let powerOns = 0;
  const server = createServer((socket) => {
    adapter = socket;
    // What the user types while the board is off goes nowhere, as on a real cable.
    socket.on('data', (chunk) => boardSide?.write(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(adapterPath, () => resolve());
  });

  const powerOff = async (): Promise<void> => {
    const running = machine;
    machine = undefined;
    boardSide?.destroy();
    boardSide = undefined;
    await running?.stop();
  };
  const powerOn = async (): Promise<void> => {
    await powerOff();
    powerOns += 1;
    const dir = join(options.dir, `power-on-${String(powerOns)}`);
    mkdirSync(dir);
    const started = await startUBootQemu({
      dir,
      disk: options.disk,
      serial: 'socket',
      ...(options.uBootBin !== undefined ? { uBootBin: options.uBootBin } : {}),
      ...(options.memoryMiB !== undefined ? { memoryMiB: options.memoryMiB } : {}),
    });
    machine = started;
    const socket = await connectWhenListening(started.serialPath);
    socket.on('data', (chunk) => adapter?.write(chunk));
    socket.on('error', () => undefined);
    boardSide = socket;
    await started.resume();
  };
  const stop = async (): Promise<void> => {
    await powerOff();
    adapter?.destroy();
    stopper.abort();
    await Promise.allSettled(children.map((child) => child.result));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await waitForSocat(adapterPath, serialPath, stopper.signal, children);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    serialPath,
    powerOn,
    powerOff,
    powerCycle: powerOn,
    reboot: async () => {
      if (machine === undefined) throw new Error('the board is powered off');
      await machine.powerCycle();
    },
    stop,
  };
}

/** Between bind (the file appears) and listen qemu refuses connections; that window is short. */
const LISTEN_RETRY_MS = 20;

async function connectWhenListening(path: string): Promise<Socket> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(path);
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, LISTEN_RETRY_MS));
    }
  }
}

/** Where NIXOS_SD starts in a disk image from buildUBootDisk, as debugfs's `?offset=`. */
async function rootPartitionOffset(disk: string): Promise<number> {
  const { stdout } = await runChecked(['sfdisk', '--json', disk]);
  const table = JSON.parse(stdout) as { partitiontable?: { partitions?: { start?: number }[] } };
  const start = table.partitiontable?.partitions?.[1]?.start;
  if (start === undefined) throw new Error(`${disk} has no second partition`);
  return start * SECTOR_BYTES;
}

/** Reads a file under /boot on NIXOS_SD inside the image (debugfs, no root, no mount). */
export async function readBootFile(disk: string, path: string): Promise<string> {
  const offset = await rootPartitionOffset(disk);
  const { stdout } = await runChecked(['debugfs', '-R', `cat /boot/${path}`, `${disk}?offset=${String(offset)}`]);
  return stdout;
}

/** Replaces a file under /boot on NIXOS_SD inside the image (debugfs -w; `work` holds a copy). */
export async function writeBootFile(disk: string, path: string, content: string, work: string): Promise<void> {
  const offset = await rootPartitionOffset(disk);
  const source = join(work, `boot-file-${String(Date.now())}`);
  writeFileSync(source, content);
  const target = `/boot/${path}`;
  // debugfs reports a failed command on stderr and still exits 0; the read-back is the check.
  await runChecked(['debugfs', '-w', '-f', '-', `${disk}?offset=${String(offset)}`], { stdin: `rm ${target}\nwrite ${source} ${target}\n` });
  const written = await readBootFile(disk, path);
  if (written !== content) throw new Error(`debugfs did not replace ${target} in ${disk}`);
}

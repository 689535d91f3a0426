/**
 * Shared setup for the card tools' integration tests: a NixOS-style SD image (FAT FIRMWARE at
 * 8 MiB, ext4 NIXOS_SD with /boot/extlinux/extlinux.conf) built with the real tools by the u-boot
 * harness, independent reads of what landed on it (debugfs and e2fsck run directly, not through
 * the code under test), loop devices, and a private sshd that serves a given host key.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnProcess } from '../../../src/core/exec';
import { buildUBootDisk } from '../../harness/uboot-qemu';

/** Where buildUBootDisk puts NIXOS_SD: after 8 MiB of gap and a 32 MiB FIRMWARE. */
export const ROOT_OFFSET = (16384 + 32 * 2048) * 512;

const STORE = '/nix/store';
export const SYSTEMS = {
  default: `${STORE}/dddddddddddddddddddddddddddddddd-nixos-system-vulpix-24.05`,
  5: `${STORE}/55555555555555555555555555555555-nixos-system-vulpix-24.05`,
  3: `${STORE}/33333333333333333333333333333333-nixos-system-vulpix-24.05`,
  4: `${STORE}/44444444444444444444444444444444-nixos-system-vulpix-24.05`,
} as const;

function entry(label: string, menuLabel: string, kernel: string, system: string): string {
  return [`LABEL ${label}`, `  MENU LABEL ${menuLabel}`, `  LINUX ../nixos/${kernel}-zImage`, `  INITRD ../nixos/${kernel}-initrd`, `  APPEND init=${system}/init console=ttyAMA0`, `  FDTDIR ../nixos/${kernel}-dtbs`, ''].join('\n');
}

/**
 * NixOS's layout with generations out of order (5, 3, 4): choosing "4" must find nixos-4 by its
 * label, not by position. Generation 3's kernel is not on the card.
 */
export const EXTLINUX_CONF = [
  '# Generated file, all changes will be lost on nixos-rebuild!',
  '',
  '# Change this to e.g. nixos-42 to temporarily boot to an older configuration.',
  'DEFAULT nixos-default',
  '',
  'MENU TITLE ------------------------------------------------------------',
  'TIMEOUT 10',
  '',
  entry('nixos-default', 'NixOS - Default', 'kd', SYSTEMS.default),
  entry('nixos-5', 'NixOS - Configuration 5 (2026-11-20 10:00 - 24.05.20240501.abcdef0)', 'k5', SYSTEMS[5]),
  entry('nixos-3', 'NixOS - Configuration 3 (2026-11-01 10:00 - 24.05.20240401.abcdef0)', 'k3', SYSTEMS[3]),
  entry('nixos-4', 'NixOS - Configuration 4 (2026-11-10 10:00 - 24.05.20240415.abcdef0)', 'k4', SYSTEMS[4]),
].join('\n');

export function bootFilesFor(kernels: readonly string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const k of kernels) {
    files[`nixos/${k}-zImage`] = `kernel ${k}\n`;
    files[`nixos/${k}-initrd`] = `initrd ${k}\n`;
    files[`nixos/${k}-dtbs/.keep`] = '';
  }
  return files;
}

/** Builds the pristine image once; tests work on copies. */
export async function buildCardImage(dir: string, extlinuxConf = EXTLINUX_CONF, name = 'sd.img'): Promise<string> {
  return buildUBootDisk({ dir, extlinuxConf, bootFiles: bootFilesFor(['kd', 'k5', 'k4']), name });
}

export function copyImage(image: string, to: string): string {
  copyFileSync(image, to);
  return to;
}

function sh(argv: readonly string[]): string {
  const [program, ...args] = argv;
  return execFileSync(program ?? 'false', args, { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `debugfs -R COMMAND TARGET` run directly; stdout. */
export function debugfs(target: string, command: string): string {
  return execFileSync('/usr/sbin/debugfs', ['-R', command, target], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A file's bytes from the card's ext4, through debugfs's `dump` (not the code under test). */
export function catFromCard(target: string, path: string, dir: string): Buffer {
  const local = join(dir, `dump-${String(Date.now())}-${String(Math.random()).slice(2)}`);
  execFileSync('/usr/sbin/debugfs', ['-R', `dump ${path} ${local}`, target], { stdio: 'ignore' });
  return execFileSync('cat', [local]);
}

/** e2fsck -fn: exit 0 when the file system is consistent. */
export function fsckClean(target: string): { ok: boolean; output: string } {
  const result = spawnSync('/usr/sbin/e2fsck', ['-fn', target], { encoding: 'utf-8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export interface LoopCard {
  readonly path: string;
  /** The NIXOS_SD partition's node (partx). */
  readonly rootPartition: string;
  detach(): void;
}

/** A loop device over the image with partition nodes (the kernel does not scan loop devices here). */
export function attachCard(image: string): LoopCard {
  const path = sh(['losetup', '-f', '--show', image]).trim();
  let attached = true;
  const detach = (): void => {
    if (!attached) return;
    attached = false;
    spawnSync('partx', ['-d', path]);
    spawnSync('losetup', ['-d', path]);
  };
  try {
    sh(['partx', '-a', path]);
  } catch (error) {
    detach();
    throw error;
  }
  return { path, rootPartition: `${path}p2`, detach };
}

async function freePort(): Promise<number> {
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

export interface KeyedSshd {
  readonly port: number;
  readonly clientKey: string;
  stop(): Promise<void>;
}

/**
 * A real OpenSSH sshd on 127.0.0.1 serving `hostKey` (as read from the card), root logins with a
 * test client key, in a private mount namespace so /run/sshd comes from the test folder
 * (../shared/PEERS.md, "A private sshd").
 */
export async function startKeyedSshd(dir: string, hostKey: string): Promise<KeyedSshd> {
  mkdirSync(join(dir, 'run', 'sshd'), { recursive: true });
  const clientKey = join(dir, 'client');
  sh(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', clientKey]);
  copyFileSync(`${clientKey}.pub`, join(dir, 'authorized_keys'));
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${String(port)}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin yes',
      'PidFile none',
      '',
    ].join('\n'),
  );
  const stopper = new AbortController();
  let ready: (() => void) | undefined;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  let log = '';
  const child = spawnProcess(['unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" /run && exec /usr/sbin/sshd -D -e -f "$2"', 'sh', join(dir, 'run'), config], {
    signal: stopper.signal,
    killGraceMs: 500,
    onStderrLine: (line) => {
      log += `${line}\n`;
      if (/Server listening on/.test(line)) ready?.();
    },
  });
  const stop = async (): Promise<void> => {
    stopper.abort();
    await child.result.catch(() => undefined);
  };
  const exited = child.result.then(() => {
    throw new Error(`sshd exited: ${log}`);
  });
  exited.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([listening, exited, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000)))]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { port, clientKey, stop };
}

/**
 * Why a serial port did not open, in words the user can act on. From the binding's error (errno
 * text: "Permission denied, cannot open …", "Resource temporarily unavailable Cannot lock port")
 * and the system's state, read through a `SystemView` so tests use fixture /proc, /etc/group and
 * /sys trees:
 * - EACCES: the device's group (usually dialout) and whether this process is in it; the NixOS
 *   fix is `users.users.<name>.extraGroups = [ "dialout" ]`.
 * - busy or locked: who holds it — another of our sessions (the registry), a process with the
 *   device open (/proc/<pid>/fd scanned for the device's inode), a UUCP lock file
 *   (/var/lock/LCK..<name>); ModemManager holding a ttyACM gets the udev rule
 *   `ENV{ID_MM_DEVICE_IGNORE}="1"` for the adapter's VID:PID.
 */
import { readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { DevicesError } from '../errors';
import type { SerialPortRegistry } from './port-registry';

export type OpenFailureKind = 'permission' | 'modem-manager' | 'held' | 'missing' | 'other';

export interface PortHolder {
  readonly pid: number;
  readonly command: string;
  /** How we know: an open file descriptor, or a lock file naming the pid. */
  readonly via: 'fd' | 'lock-file';
}

export interface OpenDiagnosis {
  readonly kind: OpenFailureKind;
  readonly holders: readonly PortHolder[];
  readonly error: DevicesError;
}

/** Where the facts come from; `defaultSystemView()` reads the real machine. */
export interface SystemView {
  readonly procRoot: string;
  readonly sysRoot: string;
  readonly groupFile: string;
  readonly lockDirs: readonly string[];
  readonly ownPid: number;
  readonly userName: string;
  /** The groups this process has (its supplementary groups and its gid). */
  readonly processGroups: readonly number[];
}

export function defaultSystemView(): SystemView {
  const groups = new Set<number>(process.getgroups?.() ?? []);
  if (process.getgid !== undefined) groups.add(process.getgid());
  return { procRoot: '/proc', sysRoot: '/sys', groupFile: '/etc/group', lockDirs: ['/var/lock', '/run/lock'], ownPid: process.pid, userName: userInfo().username, processGroups: [...groups] };
}

type ErrorKind = 'EACCES' | 'BUSY' | 'ENOENT' | 'OTHER';

/** The errno behind a binding's open error (bindings-cpp puts strerror text in the message). */
export function classifyOpenError(error: unknown): ErrorKind {
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EACCES' || code === 'EPERM' || /permission denied|operation not permitted/i.test(message)) return 'EACCES';
  if (code === 'EBUSY' || code === 'EAGAIN' || /resource busy|temporarily unavailable|cannot lock port/i.test(message)) return 'BUSY';
  if (code === 'ENOENT' || /no such file/i.test(message)) return 'ENOENT';
  return 'OTHER';
}

interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

async function readGroups(file: string): Promise<GroupEntry[]> {
  const text = await readFile(file, 'utf-8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    const [name, , gid, members] = line.split(':');
    if (name === undefined || gid === undefined || !/^\d+$/.test(gid)) return [];
    return [{ name, gid: Number(gid), members: (members ?? '').split(',').filter((m) => m !== '') }];
  });
}

async function commandOf(procRoot: string, pid: number): Promise<string> {
  const cmdline = await readFile(join(procRoot, String(pid), 'cmdline')).catch(() => Buffer.alloc(0));
  const text = cmdline.toString('utf-8').replace(/\0+$/, '').split('\0').join(' ');
  if (text !== '') return text;
  return (await readFile(join(procRoot, String(pid), 'comm'), 'utf-8').catch(() => '?')).trim();
}

/** Processes with `device` open: /proc/<pid>/fd/* whose target is the same inode. Processes of
 * other users cannot be read without root; `unreadable` counts them. */
export async function findHolders(device: string, view: SystemView): Promise<{ holders: PortHolder[]; unreadable: number }> {
  const wanted = await stat(device).catch(() => undefined);
  const holders: PortHolder[] = [];
  let unreadable = 0;
  const entries = await readdir(view.procRoot).catch(() => []);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === view.ownPid) continue;
    const fdDir = join(view.procRoot, entry, 'fd');
    const fds = await readdir(fdDir).catch((error: unknown) => {
      if (typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'EACCES') unreadable += 1;
      return [];
    });
    for (const fd of fds) {
      const target = await stat(join(fdDir, fd)).catch(() => undefined);
      if (target === undefined) continue;
      const same = wanted !== undefined && (wanted.rdev !== 0 ? target.rdev === wanted.rdev && target.isCharacterDevice() === wanted.isCharacterDevice() : target.dev === wanted.dev && target.ino === wanted.ino);
      if (same) {
        holders.push({ pid: Number(entry), command: await commandOf(view.procRoot, Number(entry)), via: 'fd' });
        break;
      }
    }
  }
  // UUCP-style lock files (minicom, older tools): "LCK..ttyUSB0" holding the pid as text.
  const name = basename(await realpath(device).catch(() => device));
  for (const dir of view.lockDirs) {
    const text = await readFile(join(dir, `LCK..${name}`), 'utf-8').catch(() => undefined);
    const pid = text === undefined ? NaN : Number(text.trim());
    if (Number.isInteger(pid) && pid > 0 && !holders.some((h) => h.pid === pid)) {
      const alive = await stat(join(view.procRoot, String(pid))).then(() => true, () => false);
      if (alive) holders.push({ pid, command: await commandOf(view.procRoot, pid), via: 'lock-file' });
    }
  }
  return { holders, unreadable };
}

/** VID:PID of the USB adapter behind a tty (sysfs), e.g. "0483:374b". */
export async function usbIdOf(device: string, view: SystemView): Promise<string | undefined> {
  const name = basename(await realpath(device).catch(() => device));
  try {
    // class/tty/ttyACM0/device is the USB interface; its parent is the USB device.
    const link = join(view.sysRoot, 'class', 'tty', name, 'device');
    const iface = await realpath(link).catch(async () => join(dirname(link), await readlink(link)));
    const usb = dirname(iface);
    const vid = (await readFile(join(usb, 'idVendor'), 'utf-8')).trim();
    const pid = (await readFile(join(usb, 'idProduct'), 'utf-8')).trim();
    return `${vid}:${pid}`;
  } catch {
    return undefined;
  }
}

function holderText(holders: readonly PortHolder[]): string {
  return holders.map((h) => `pid ${String(h.pid)} (${h.command})${h.via === 'lock-file' ? ' by its lock file' : ''}`).join(', ');
}

async function permissionDiagnosis(path: string, view: SystemView): Promise<OpenDiagnosis> {
  const info = await stat(path).catch(() => undefined);
  const groups = await readGroups(view.groupFile);
  const group = info === undefined ? undefined : groups.find((g) => g.gid === info.gid);
  const groupName = group?.name ?? (info === undefined ? 'dialout' : `gid ${String(info.gid)}`);
  const fix = `on NixOS add \`users.users.${view.userName}.extraGroups = [ "${groupName}" ];\` to the configuration and switch; elsewhere \`sudo usermod -aG ${groupName} ${view.userName}\`. Then log out and in again.`;
  let message: string;
  if (info !== undefined && view.processGroups.includes(info.gid)) {
    message = `Permission denied opening ${path}, although you are in its group ${groupName}: the port's mode (${(info.mode & 0o777).toString(8)}) does not let the group read and write. A udev rule should set MODE="0660".`;
  } else if (group?.members.includes(view.userName) === true) {
    message = `Permission denied opening ${path}: you were added to the group ${groupName} after this session started. Log out and in again (or restart VS Code's server) so the new group applies.`;
  } else {
    message = `Permission denied opening ${path}: it belongs to the group ${groupName} and you (${view.userName}) are not in it. Fix: ${fix}`;
  }
  return { kind: 'permission', holders: [], error: new DevicesError('PERMISSION_DENIED', message) };
}

export interface DiagnoseOptions {
  readonly view?: SystemView;
  readonly registry?: SerialPortRegistry;
}

/** Explains `error` from opening `path`. The diagnosis never throws; unknown errors pass through. */
export async function diagnoseOpenFailure(path: string, error: unknown, options: DiagnoseOptions = {}): Promise<OpenDiagnosis> {
  const view = options.view ?? defaultSystemView();
  const raw = error instanceof Error ? error.message : String(error);
  const ours = await options.registry?.holderOf(path);
  if (ours !== undefined) {
    return { kind: 'held', holders: [], error: new DevicesError('PORT_IN_USE', `${path} is already open in ${ours}. Close that console first, or switch to it.`, { cause: error }) };
  }
  switch (classifyOpenError(error)) {
    case 'EACCES':
      return permissionDiagnosis(path, view);
    case 'ENOENT':
      return { kind: 'missing', holders: [], error: new DevicesError('NOT_FOUND', `${path} does not exist: is the adapter plugged in? Ports present now are listed in the Ports view (\`nixos-devices ports\`).`, { cause: error }) };
    case 'BUSY': {
      const { holders, unreadable } = await findHolders(path, view);
      const modemManager = holders.find((h) => /ModemManager/i.test(h.command));
      if (modemManager !== undefined) {
        const id = await usbIdOf(path, view);
        const [vid, pid] = (id ?? 'VVVV:PPPP').split(':');
        return {
          kind: 'modem-manager',
          holders,
          error: new DevicesError(
            'PORT_IN_USE',
            `${path} is held by ModemManager (pid ${String(modemManager.pid)}), which probes every new ttyACM (ST-Link V2-1 and other CDC-ACM adapters) as a modem. Tell it to leave ${id ?? 'the adapter'} alone with a udev rule: ATTRS{idVendor}=="${vid ?? ''}", ATTRS{idProduct}=="${pid ?? ''}", ENV{ID_MM_DEVICE_IGNORE}="1" (on NixOS in services.udev.extraRules), then replug it; or stop ModemManager if you do not use a modem.`,
            { cause: error },
          ),
        };
      }
      if (holders.length > 0) {
        return { kind: 'held', holders, error: new DevicesError('PORT_IN_USE', `${path} is in use by ${holderText(holders)}. Close that program (or end it) and try again.`, { cause: error }) };
      }
      const unseen = unreadable > 0 ? ` ${String(unreadable)} processes of other users could not be inspected; \`sudo fuser -v ${path}\` shows them.` : '';
      const acm = /ttyACM/.test(basename(path)) ? ' A ttyACM port is often held by ModemManager right after plugging in.' : '';
      return { kind: 'held', holders, error: new DevicesError('PORT_IN_USE', `${path} is busy (${raw}), held by a process we cannot see.${unseen}${acm}`, { cause: error }) };
    }
    case 'OTHER':
      return { kind: 'other', holders: [], error: new DevicesError('PORT_UNAVAILABLE', `Could not open ${path}: ${raw}.`, { cause: error }) };
  }
}

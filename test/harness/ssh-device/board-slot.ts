/**
 * A slot for one test board: an index unique on this machine while its owner runs, from which
 * the namespace, veth names and the 10.77.x.y/30 subnet derive. Slots are lock files holding the
 * owner's pid, so concurrent test processes never share one; a slot whose owner died is swept
 * (its namespace and veth deleted) and reused.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killMountNamespace, mountNamespaceOf } from './board-processes';

export const SLOT_LOCK_DIR = '/tmp/nd-ssh-device-slots';
/** 1024 slots of /30 in 10.77.0.0/16. */
const MAX_SLOTS = 1024;

export interface BoardSlot {
  readonly index: number;
  readonly netns: string;
  readonly hostIf: string;
  readonly boardIf: string;
  readonly hostAddress: string;
  readonly boardAddress: string;
  readonly lockFile: string;
  /** Holds the board's sshd pid, so a sweep can end a board whose owner died. */
  readonly sshdFile: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function slotFor(index: number): BoardSlot {
  const base = `10.77.${String(index >> 6)}.`;
  const last = (index & 63) << 2;
  return {
    index,
    netns: `nd-board${String(index)}`,
    hostIf: `ndh${String(index)}`,
    boardIf: `ndb${String(index)}`,
    hostAddress: `${base}${String(last + 1)}`,
    boardAddress: `${base}${String(last + 2)}`,
    lockFile: join(SLOT_LOCK_DIR, String(index)),
    sshdFile: join(SLOT_LOCK_DIR, `${String(index)}.sshd`),
  };
}

export function recordSshd(slot: BoardSlot, pid: number): void {
  writeFileSync(slot.sshdFile, String(pid));
}

function killRecordedSshd(slot: BoardSlot): void {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(slot.sshdFile, 'utf-8'), 10);
  } catch {
    return;
  }
  rmSync(slot.sshdFile, { force: true });
  if (!Number.isFinite(pid)) return;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${String(pid)}/cmdline`, 'latin1');
  } catch {
    return;
  }
  const namespace = mountNamespaceOf(pid);
  // Only a board's sshd (pids get reused), and never one in our own namespace.
  if (cmdline.includes('sshd') && cmdline.includes(SLOT_BOARD_MARK) && namespace !== undefined) killMountNamespace(namespace);
}

/** Part of every board's folder name, so a swept pid is known to be a board's sshd. */
export const SLOT_BOARD_MARK = 'nd-ssh-device-';

/** Deletes what a slot may have left behind; errors mean it was already gone. */
export function sweepSlot(slot: BoardSlot): void {
  killRecordedSshd(slot);
  for (const argv of [
    ['ip', 'netns', 'del', slot.netns],
    ['ip', 'link', 'del', slot.hostIf],
  ]) {
    try {
      execFileSync(argv[0] ?? 'ip', argv.slice(1), { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}

export function acquireSlot(): BoardSlot {
  mkdirSync(SLOT_LOCK_DIR, { recursive: true });
  for (let index = 0; index < MAX_SLOTS; index += 1) {
    const slot = slotFor(index);
    try {
      writeFileSync(slot.lockFile, String(process.pid), { flag: 'wx' });
      sweepSlot(slot);
      return slot;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: number;
    try {
      owner = Number.parseInt(readFileSync(slot.lockFile, 'utf-8'), 10);
    } catch {
      continue;
    }
    if (Number.isFinite(owner) && !alive(owner)) {
      sweepSlot(slot);
      rmSync(slot.lockFile, { force: true });
      index -= 1; // try the same slot again
    }
  }
  throw new Error(`no free test board slot in ${SLOT_LOCK_DIR}`);
}

export function releaseSlot(slot: BoardSlot): void {
  rmSync(slot.sshdFile, { force: true });
  rmSync(slot.lockFile, { force: true });
}

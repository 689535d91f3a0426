/**
 * Ending a process and everything it started, without touching anything else: the tree is read
 * from /proc, and each process is named by pid AND start time, so a pid reused after an exit is
 * never signalled.
 */
import { type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessId {
  readonly pid: number;
  /** Start time in clock ticks since boot: with the pid it names one process, never a reused pid. */
  readonly start: string;
}

function readStat(pid: number): { ppid: number; start: string; zombie: boolean } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The comm field may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), start: fields[19] ?? '', zombie: fields[0] === 'Z' };
  } catch {
    return undefined; // ended while we looked
  }
}

/** The process and every live descendant of it (read from /proc). */
export function processTree(root: number): ProcessId[] {
  const stats = new Map<number, { ppid: number; start: string; zombie: boolean }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== undefined) stats.set(Number(name), stat);
  }
  const out: ProcessId[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const stat = stats.get(pid);
    if (stat !== undefined) out.push({ pid, start: stat.start });
    for (const [child, s] of stats) if (s.ppid === pid) queue.push(child);
  }
  return out;
}

/** Still running (a zombie not yet reaped counts as ended). */
export function isAlive(p: ProcessId): boolean {
  const stat = readStat(p.pid);
  return stat !== undefined && stat.start === p.start && !stat.zombie;
}

export function signalAll(processes: readonly ProcessId[], signal: NodeJS.Signals): void {
  for (const p of processes) {
    if (readStat(p.pid)?.start !== p.start) continue; // gone, or its pid now names another process
    try {
      process.kill(p.pid, signal);
    } catch {
      // Ended meanwhile.
    }
  }
}

export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Finding and ending every process of a test board: all processes in the mount namespace of its
 * sshd (sshd itself, per-connection sshd children, and the sessions they started, which sshd puts
 * in their own sessions so a process-group kill would miss them).
 */
import { readdirSync, readlinkSync } from 'node:fs';

export function mountNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${String(pid)}/ns/mnt`);
  } catch {
    return undefined;
  }
}

export function pidsInMountNamespace(namespace: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid !== process.pid && mountNamespaceOf(pid) === namespace) pids.push(pid);
  }
  return pids;
}

/** SIGKILLs every process in the namespace; returns how many were signalled. */
export function killMountNamespace(namespace: string): number {
  // Never the machine's own namespace: that would be every process here.
  if (namespace === mountNamespaceOf(process.pid) || namespace === mountNamespaceOf(1)) return 0;
  const pids = pidsInMountNamespace(namespace);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids.length;
}

/**
 * Remote commands start as `echo $$ >&2; exec ARGV` so the first line of stderr is the process
 * id of the session (sshd makes each session a process-group leader, and `exec` keeps the pid).
 * This transform takes that line off stderr and hands the pid over; everything after it passes
 * through untouched.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Longest first line we wait for before giving up on finding a pid. */
const MAX_PID_LINE_BYTES = 32;

export class PidLineStripper extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly onPid: (pid: number | undefined) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.done) {
      callback(null, chunk);
      return;
    }
    this.pending = Buffer.concat([this.pending, chunk]);
    const newline = this.pending.indexOf(0x0a);
    if (newline === -1 && this.pending.length < MAX_PID_LINE_BYTES) {
      callback();
      return;
    }
    this.done = true;
    const line = newline === -1 ? '' : this.pending.subarray(0, newline).toString('latin1');
    const pid = /^\d+$/.test(line) ? Number(line) : undefined;
    this.onPid(pid);
    const rest = pid === undefined ? this.pending : this.pending.subarray(newline + 1);
    this.pending = Buffer.alloc(0);
    callback(null, rest.length > 0 ? rest : undefined);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.done) {
      this.done = true;
      this.onPid(undefined);
      if (this.pending.length > 0) this.push(this.pending);
    }
    callback();
  }
}

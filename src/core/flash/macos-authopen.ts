/**
 * macOS's privileged open, `/usr/libexec/authopen` (authopen(1)): it asks the user (or takes an
 * AuthorizationRef's external form on stdin with `-extauth`) for the right
 * `sys.openfile.readwrite.<path>`, opens the path, and with `-stdoutpipe` does not copy data but
 * hands the open descriptor to its parent: stdout must be one end of a UNIX socketpair, and the
 * descriptor arrives as an SCM_RIGHTS control message on one sendmsg(2). Raspberry Pi Imager
 * opens cards this way (src/mac/macfile.cpp: socketpair, `authopen -stdoutpipe -extauth -o
 * <O_RDWR> <path>`, recvmsg, CMSG_FIRSTHDR, `cmsg_type == SCM_RIGHTS`); docs/flash-macos.md.
 *
 * Node has no recvmsg: receiving the descriptor needs native code (a small addon, or a helper
 * binary). This module holds what does not: the argv, and the parse of the control message
 * buffer recvmsg fills, for Darwin's and Linux's `struct cmsghdr` layouts. The writer path used
 * today on macOS is ./macos-elevation.ts (our CLI as root through osascript); this one is the
 * path for a native receiver. Not run here (no macOS in CI).
 */
import { DevicesError } from '../errors';

export const AUTHOPEN_PATH = '/usr/libexec/authopen';

/** open(2) flags as Darwin defines them (sys/fcntl.h), for authopen's `-o`. */
export const DARWIN_O_RDONLY = 0x0000;
export const DARWIN_O_RDWR = 0x0002;
export const DARWIN_O_EXLOCK = 0x0020;

export interface AuthopenOptions {
  /** Open for writing too (O_RDWR); read-only otherwise (a verify pass). */
  readonly write: boolean;
  /** Take the authorization from stdin (an AuthorizationExternalForm, 32 bytes) instead of
   * letting authopen show its own dialog. */
  readonly externalAuthorization?: boolean;
  /** O_EXLOCK: no one else may open the disk while we write. */
  readonly exclusive?: boolean;
}

/** `authopen -stdoutpipe [-extauth] -o FLAGS /dev/rdiskN`. */
export function authopenArgv(device: string, options: AuthopenOptions): string[] {
  if (!/^\/dev\/r?disk\d+$/.test(device)) throw new DevicesError('INVALID_ARGUMENT', `${device} is not a whole macOS disk (/dev/rdiskN).`);
  const flags = (options.write ? DARWIN_O_RDWR : DARWIN_O_RDONLY) | (options.exclusive === true ? DARWIN_O_EXLOCK : 0);
  return [AUTHOPEN_PATH, '-stdoutpipe', ...(options.externalAuthorization === true ? ['-extauth'] : []), '-o', String(flags), device];
}

/**
 * `struct cmsghdr` as laid out by the kernel the control buffer came from:
 * Darwin (sys/socket.h): `socklen_t cmsg_len; int cmsg_level; int cmsg_type;`, data aligned to 4,
 * SOL_SOCKET 0xffff, SCM_RIGHTS 1. Linux x86-64/arm64 (bits/socket.h): `size_t cmsg_len; int
 * cmsg_level; int cmsg_type;`, data aligned to 8, SOL_SOCKET 1, SCM_RIGHTS 1.
 */
export interface CmsgLayout {
  readonly lenBytes: 4 | 8;
  readonly align: 4 | 8;
  readonly solSocket: number;
  readonly scmRights: number;
}

export const DARWIN_CMSG: CmsgLayout = { lenBytes: 4, align: 4, solSocket: 0xffff, scmRights: 1 };
export const LINUX_64_CMSG: CmsgLayout = { lenBytes: 8, align: 8, solSocket: 1, scmRights: 1 };

const alignUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * The descriptors carried by SCM_RIGHTS messages in a recvmsg control buffer (`msg_control`,
 * `msg_controllen` bytes), walking CMSG_FIRSTHDR/CMSG_NXTHDR. Little-endian (every Mac and PC
 * since 2006). Other control messages are skipped; a header that runs past the buffer is an error.
 */
export function parseScmRights(control: Buffer, layout: CmsgLayout): number[] {
  const fds: number[] = [];
  const header = alignUp(layout.lenBytes + 8, layout.align);
  let offset = 0;
  while (offset + header <= control.length) {
    const len = layout.lenBytes === 4 ? control.readUInt32LE(offset) : Number(control.readBigUInt64LE(offset));
    const level = control.readInt32LE(offset + layout.lenBytes);
    const type = control.readInt32LE(offset + layout.lenBytes + 4);
    if (len < header || offset + len > control.length) {
      throw new DevicesError('PARSE_FAILED', `authopen's control message is malformed (cmsg_len ${String(len)} at ${String(offset)} of ${String(control.length)} bytes).`);
    }
    if (level === layout.solSocket && type === layout.scmRights) {
      for (let at = offset + header; at + 4 <= offset + len; at += 4) fds.push(control.readInt32LE(at));
    }
    offset += alignUp(len, layout.align);
  }
  return fds;
}

/**
 * Where the e2fsprogs and util-linux programs are. debugfs, sfdisk and blockdev live in /usr/sbin
 * on Debian, which is not on an ordinary user's PATH there; the card tools work on image files
 * without root, so they look there too rather than fail with "not installed".
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Which Debian package brings each program, for the "install it" advice. */
export const PROGRAM_PACKAGES: Readonly<Record<string, string>> = {
  debugfs: 'e2fsprogs',
  sfdisk: 'fdisk',
  blockdev: 'util-linux',
  losetup: 'mount',
  'ssh-keygen': 'openssh-client',
};

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The program's path: from PATH, else from the sbin folders; the bare name when found nowhere. */
export async function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  return name;
}

/** "Install e2fsprogs" advice for a program that could not be started. */
export function installAdvice(name: string): string {
  const pkg = PROGRAM_PACKAGES[name];
  return pkg === undefined ? `Install ${name}.` : `Install ${name} (Debian and Ubuntu: apt install ${pkg}; NixOS: it is in ${pkg === 'fdisk' || pkg === 'mount' ? 'util-linux' : pkg === 'openssh-client' ? 'openssh' : pkg}).`;
}

/**
 * Nix for tests: Debian's nix-bin 2.8, single-user as root, no daemon, offline (../shared/PEERS.md).
 * Every test that runs nix passes `nixTestEnv()` as env overrides to core's exec.
 */
import { execFileSync } from 'node:child_process';

/** The NIX_CONFIG that makes nix-bin usable here: flakes on, no nixbld group, no substituters
 * (else ~4.5 s of retries against the public cache), no sandbox (builders need /bin/sh). */
export const NIX_TEST_CONFIG = [
  'experimental-features = nix-command flakes',
  'build-users-group =',
  'substituters =',
  'sandbox = false',
].join('\n');

export function nixTestEnv(): Record<string, string> {
  return { NIX_CONFIG: NIX_TEST_CONFIG };
}

export function nixAvailable(): boolean {
  try {
    execFileSync('nix', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

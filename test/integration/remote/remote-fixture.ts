/**
 * Shared setup for core/remote's integration tests: an ssh_config file and known_hosts files in
 * the test's folder (never the user's ~/.ssh), a local context without an agent, and a resolver
 * that goes through the real `ssh -G -F`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalContext, ResolvedHost } from '../../../src/core/remote';
import { resolveHost } from '../../../src/core/remote';
import type { SshDevice } from '../../harness/ssh-device';

export interface ClientFiles {
  readonly configFile: string;
  readonly userKnownHosts: string;
  readonly globalKnownHosts: string;
  readonly local: LocalContext;
}

/** Writes an ssh_config for `alias` pointing at the board, with known_hosts files in `dir`. */
export function writeClientFiles(
  dir: string,
  board: SshDevice,
  options: { readonly alias?: string; readonly user?: string; readonly hashKnownHosts?: boolean; readonly strict?: string } = {},
): ClientFiles {
  const userKnownHosts = join(dir, 'known_hosts');
  const globalKnownHosts = join(dir, 'ssh_known_hosts');
  const configFile = join(dir, 'ssh_config');
  writeFileSync(
    configFile,
    [
      `Host ${options.alias ?? 'board'}`,
      `  HostName ${board.host}`,
      `  Port ${String(board.port)}`,
      `  User ${options.user ?? 'root'}`,
      `  IdentityFile ${board.clientKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${userKnownHosts}`,
      `  GlobalKnownHostsFile ${globalKnownHosts}`,
      `  HashKnownHosts ${options.hashKnownHosts === true ? 'yes' : 'no'}`,
      `  StrictHostKeyChecking ${options.strict ?? 'ask'}`,
      '',
    ].join('\n'),
  );
  return { configFile, userKnownHosts, globalKnownHosts, local: { home: dir, localUser: 'root', authSock: undefined } };
}

export function resolveBoard(files: ClientFiles, alias = 'board', overrides: { readonly user?: string } = {}): Promise<ResolvedHost> {
  return resolveHost({ host: alias, ...overrides }, { configFile: files.configFile, local: files.local });
}

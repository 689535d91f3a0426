/**
 * Resolves a device's SSH options as the user's terminal would: `ssh -G` when OpenSSH's client is
 * installed (so Include, Match and the system-wide config apply), else our parser of
 * ~/.ssh/config and /etc/ssh/ssh_config. The device's own settings override both.
 */
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { DevicesError } from '../errors';
import { run } from '../exec';
import { SILENT_LOGGER, type Logger } from '../log';
import { optionsFromConfigFiles } from './ssh-config-file';
import { parseSshGOutput, toResolvedHost, type LocalContext, type ResolvedHost, type SshTarget } from './ssh-options';

export interface ResolveHostOptions {
  /** The OpenSSH client to ask, or false to use the fallback parser only. Default `ssh`. */
  readonly sshProgram?: string | false;
  /** A config file instead of ~/.ssh/config (`ssh -F`); the system config is then skipped, as with -F. */
  readonly configFile?: string;
  readonly local?: LocalContext;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

export function defaultLocalContext(): LocalContext {
  return { home: homedir(), localUser: userInfo().username, authSock: process.env['SSH_AUTH_SOCK'] };
}

async function readIfPresent(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf-8');
  } catch {
    return '';
  }
}

export async function resolveHost(target: SshTarget, options: ResolveHostOptions = {}): Promise<ResolvedHost> {
  const logger = options.logger ?? SILENT_LOGGER;
  const local = options.local ?? defaultLocalContext();
  if (target.host === '' || target.host.startsWith('-')) {
    throw new DevicesError('INVALID_SETTING', `"${target.host}" is not a valid SSH host name. Check the device's host setting.`);
  }
  const program = options.sshProgram ?? 'ssh';
  if (program !== false) {
    const argv = [program, '-G'];
    if (options.configFile !== undefined) argv.push('-F', options.configFile);
    if (target.port !== undefined) argv.push('-p', String(target.port));
    if (target.user !== undefined) argv.push('-l', target.user);
    argv.push('--', target.host);
    try {
      const result = await run(argv, { parseable: true, logger, ...(options.signal ? { signal: options.signal } : {}) });
      if (result.exitCode === 0) {
        return toResolvedHost(parseSshGOutput(result.stdout), target, local, 'ssh -G');
      }
      throw new DevicesError(
        'INVALID_SETTING',
        `OpenSSH could not resolve the host "${target.host}": ${result.stderr.trim() || `exit status ${String(result.exitCode)}`}. Check the device's host setting and your SSH config.`,
        { detail: result.stderr },
      );
    } catch (error) {
      if (!(error instanceof DevicesError) || error.code !== 'SPAWN_FAILED') throw error;
      logger.info(`OpenSSH client not found (${error.message}); reading the SSH config files directly`);
    }
  }
  const texts = [await readIfPresent(options.configFile ?? join(local.home, '.ssh', 'config'))];
  if (options.configFile === undefined) texts.push(await readIfPresent('/etc/ssh/ssh_config'));
  return toResolvedHost(optionsFromConfigFiles(texts, target.host), target, local, 'config-file');
}

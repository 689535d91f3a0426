/**
 * Running commands as root for a non-root login: `sudo` with the password fed on stdin
 * (`sudo -k -S -p ''`: -k ignores cached credentials so sudo always reads the password line and
 * never leaves it for the command), never on a command line; `doas` only without a password
 * (doas reads passwords from a terminal only). A login as root runs commands directly.
 */
import { DevicesError } from '../errors';
import type { AskSecret } from './auth';
import type { RemoteExecOptions, RemoteExecResult } from './remote-exec';
import type { SshConnection } from './ssh-connection';

export type ElevationMethod = 'sudo' | 'doas';

/** Runs commands as root over one connection; made by `prepareElevation`. */
export interface Elevation {
  /** How commands are elevated: 'root' (already root), 'nopasswd', or 'password'. */
  readonly mode: 'root' | 'nopasswd' | 'password';
  exec(argv: readonly string[], options?: RemoteExecOptions): Promise<RemoteExecResult>;
}

function prependStdin(password: string, stdin: RemoteExecOptions['stdin']): string | Buffer {
  if (stdin === undefined) return `${password}\n`;
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) return Buffer.concat([Buffer.from(`${password}\n`), Buffer.from(stdin)]);
  throw new DevicesError('UNSUPPORTED', 'A streamed stdin cannot be combined with a sudo password; configure passwordless sudo for streaming commands.');
}

export async function prepareElevation(
  connection: SshConnection,
  options: { readonly method?: ElevationMethod; readonly askSecret?: AskSecret; readonly signal?: AbortSignal } = {},
): Promise<Elevation> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  if (connection.host.user === 'root') {
    return { mode: 'root', exec: (argv, o = {}) => connection.exec(argv, o) };
  }
  const method = options.method ?? 'sudo';
  const probe = await connection.exec([method, '-n', 'true'], signal);
  if (probe.exitCode === 0) {
    return { mode: 'nopasswd', exec: (argv, o = {}) => connection.exec([method, '-n', '--', ...argv], o) };
  }
  if (method === 'doas' || options.askSecret === undefined) {
    throw new DevicesError(
      'ELEVATION_FAILED',
      method === 'doas'
        ? `doas on ${connection.target} needs a password, which doas only reads from a terminal. Add "permit nopass ${connection.host.user}" to doas.conf, or use sudo.`
        : `sudo on ${connection.target} does not let ${connection.host.user} run commands as root without a password (${probe.stderr.trim().split('\n').pop() || `exit status ${String(probe.exitCode)}`}), and no password can be asked here. Give ${connection.host.user} passwordless sudo (a NOPASSWD sudoers rule), or log in as root.`,
      { detail: probe.stderr },
    );
  }
  const password = await options.askSecret({ kind: 'password', prompt: `Enter the sudo password for ${connection.target}` });
  if (password === undefined) throw new DevicesError('CANCELLED', `No sudo password given for ${connection.target}.`);
  if (password.includes('\n')) throw new DevicesError('INVALID_ARGUMENT', 'A sudo password cannot contain a line break.');
  const prefix = ['sudo', '-k', '-S', '-p', ''];
  const check = await connection.exec([...prefix, '--', 'true'], { ...signal, stdin: `${password}\n` });
  if (check.exitCode !== 0) {
    throw new DevicesError('ELEVATION_FAILED', `sudo on ${connection.target} refused the password (or ${connection.host.user} may not use sudo). Check the password and the sudoers rules.`, {
      detail: check.stderr,
    });
  }
  return {
    mode: 'password',
    exec: (argv, o = {}) => connection.exec([...prefix, '--', ...argv], { ...o, stdin: prependStdin(password, o.stdin) }),
  };
}

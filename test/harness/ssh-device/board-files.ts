/**
 * The files of one test board under its folder: host keys (made with ssh-keygen), a client key
 * pair, sshd_config, the board's own /run and /nix, and private copies of
 * /etc/passwd, group, shadow and sudoers (root's home moved into the board's folder, extra users
 * added) that are bind-mounted over the machine's inside the
 * board's mount namespace only.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type HostKeyType = 'ed25519' | 'rsa';

export interface ExtraUser {
  readonly name: string;
  /** The login password (also sudo's). */
  readonly password: string;
  /** sudo rights: with the password, without, or none. Default 'password'. */
  readonly sudo?: 'password' | 'nopasswd' | 'none';
  /** Login shell. Default /bin/sh (dash). */
  readonly shell?: string;
}

export interface BoardFiles {
  readonly dir: string;
  readonly clientKey: string;
  readonly hostKeys: readonly { readonly type: HostKeyType; readonly path: string; readonly publicLine: string }[];
  readonly sshdConfig: string;
  readonly nixRoot: string;
  /** [host path, board path] pairs bind-mounted in the board's mount namespace. */
  readonly binds: readonly (readonly [string, string])[];
}

/** First uid given to extra users; high enough not to clash with the machine's accounts. */
const FIRST_EXTRA_UID = 61_000;

async function keygen(type: HostKeyType, path: string): Promise<string> {
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  await execFileAsync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', '', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf-8').trim();
}

/** A SHA-512 crypt hash for /etc/shadow. The test password is no secret, so argv is fine. */
async function passwordHash(password: string): Promise<string> {
  const { stdout } = await execFileAsync('openssl', ['passwd', '-6', password]);
  return stdout.trim();
}

async function writeUsers(dir: string, users: readonly ExtraUser[]): Promise<[string, string][]> {
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true });
  // root's home is the board's own: the machine's ~/.bashrc (slow here: pyenv) and ~/.ssh stay out.
  const rootHome = join(dir, 'root');
  mkdirSync(rootHome, { recursive: true, mode: 0o700 });
  let passwd = readFileSync('/etc/passwd', 'utf-8').replace(/^root:([^:]*):0:0:([^:]*):[^:]*:(.*)$/m, `root:$1:0:0:$2:${rootHome}:$3`);
  let group = readFileSync('/etc/group', 'utf-8');
  let shadow = readFileSync('/etc/shadow', 'utf-8');
  let sudoers = 'Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n';
  let uid = FIRST_EXTRA_UID;
  for (const user of users) {
    const home = join(dir, 'home', user.name);
    mkdirSync(home, { recursive: true });
    chownSync(home, uid, uid);
    passwd += `${user.name}:x:${String(uid)}:${String(uid)}::${home}:${user.shell ?? '/bin/sh'}\n`;
    group += `${user.name}:x:${String(uid)}:\n`;
    shadow += `${user.name}:${await passwordHash(user.password)}:19000:0:99999:7:::\n`;
    if (user.sudo !== 'none') sudoers += `${user.name} ALL=(ALL:ALL) ${user.sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL\n`;
    uid += 1;
  }
  const files: [string, string, number][] = [
    ['passwd', passwd, 0o644],
    ['group', group, 0o644],
    ['shadow', shadow, 0o640],
    ['sudoers', sudoers, 0o440],
  ];
  for (const [name, text, mode] of files) {
    writeFileSync(join(etc, name), text);
    chmodSync(join(etc, name), mode);
  }
  return files.map(([name]) => [join(etc, name), `/etc/${name}`]);
}

export async function writeBoardFiles(options: {
  readonly dir: string;
  readonly listenAddress: string;
  readonly port: number;
  readonly hostKeyTypes: readonly HostKeyType[];
  readonly withNixStore: boolean;
  readonly extraUsers: readonly ExtraUser[];
  readonly passwordAuthentication: boolean;
}): Promise<BoardFiles> {
  const { dir } = options;
  // sshd reads authorized_keys as the logging-in user: extra users must get through the folder.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'run', 'sshd'), { recursive: true });
  const nixRoot = join(dir, 'nix');
  mkdirSync(nixRoot, { recursive: true });
  const clientKey = join(dir, 'client_ed25519');
  const [clientPublic, ...hostPublics] = await Promise.all([
    keygen('ed25519', clientKey),
    ...options.hostKeyTypes.map((type) => keygen(type, join(dir, `ssh_host_${type}_key`))),
  ]);
  writeFileSync(join(dir, 'authorized_keys'), `${clientPublic ?? ''}\n`, { mode: 0o644 });
  const hostKeys = options.hostKeyTypes.map((type, i) => ({ type, path: join(dir, `ssh_host_${type}_key`), publicLine: hostPublics[i] ?? '' }));
  const config = [
    `Port ${String(options.port)}`,
    `ListenAddress ${options.listenAddress}`,
    ...hostKeys.map((k) => `HostKey ${k.path}`),
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'UsePAM no',
    'StrictModes no',
    `PasswordAuthentication ${options.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitRootLogin yes',
    'Subsystem sftp internal-sftp',
    'PidFile none',
    'UseDNS no',
    // MaxSessions stays at OpenSSH's default (10), as on a real board; many parallel logins are fine.
    'MaxStartups 64',
  ];
  const binds: [string, string][] = [
    [join(dir, 'run'), '/run'],
    [nixRoot, '/nix'],
  ];
  if (options.withNixStore) {
    // The board's Nix reads its own nix.conf: no nixbld group, no substituters (../shared/PEERS.md).
    const confDir = join(dir, 'nix-conf');
    mkdirSync(confDir, { recursive: true });
    writeFileSync(join(confDir, 'nix.conf'), 'build-users-group =\nsubstituters =\nsandbox = false\nexperimental-features = nix-command flakes\n');
    config.push(`SetEnv NIX_CONF_DIR=${confDir}`);
  }
  binds.push(...(await writeUsers(dir, options.extraUsers)));
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(sshdConfig, `${config.join('\n')}\n`);
  return { dir, clientKey, hostKeys, sshdConfig, nixRoot, binds };
}

/**
 * A device's SSH options resolved the way the user's terminal would resolve them. The source is
 * the `keyword value` lines that `ssh -G HOST` prints (OpenSSH applies Include, Match and every
 * default itself), or the same lines produced by our fallback parser of ~/.ssh/config.
 */

export type StrictHostKeyChecking = 'yes' | 'ask' | 'accept-new' | 'no';

/** What a device's settings say; each value set here overrides the SSH configuration. */
export interface SshTarget {
  /** A hostname, address, or a `Host` alias from ~/.ssh/config. */
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  /** A private key file; replaces the configured identity files. */
  readonly identityFile?: string;
}

export interface ResolvedHost {
  /** The name the device was given (a `Host` alias or the hostname itself). */
  readonly alias: string;
  /** Where to connect. */
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  readonly identitiesOnly: boolean;
  /** The agent socket to use, or undefined for none (`IdentityAgent none`, no SSH_AUTH_SOCK). */
  readonly identityAgent: string | undefined;
  /** `ProxyJump` as configured; connecting through it is not supported yet. */
  readonly proxyJump: string | undefined;
  readonly userKnownHostsFiles: readonly string[];
  readonly globalKnownHostsFiles: readonly string[];
  readonly strictHostKeyChecking: StrictHostKeyChecking;
  readonly hashKnownHosts: boolean;
  readonly hostKeyAlias: string | undefined;
  /** 0 means off, as in OpenSSH. */
  readonly serverAliveIntervalS: number;
  readonly serverAliveCountMax: number;
  readonly connectTimeoutS: number | undefined;
  /** Where these options came from, for the log. */
  readonly source: 'ssh -G' | 'config-file';
}

/** What token and `~` expansion need to know about the local side. */
export interface LocalContext {
  readonly home: string;
  readonly localUser: string;
  /** The SSH_AUTH_SOCK of the environment, if any. */
  readonly authSock: string | undefined;
}

/** Options keyed by lowercase keyword, each with every value in order (IdentityFile repeats). */
export type SshOptionLines = ReadonlyMap<string, readonly string[]>;

/** Parses `ssh -G` output: one `keyword value` per line, keywords case-insensitive. */
export function parseSshGOutput(text: string): SshOptionLines {
  const options = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const space = line.indexOf(' ');
    const key = (space === -1 ? line : line.slice(0, space)).toLowerCase();
    const value = space === -1 ? '' : line.slice(space + 1).trim();
    const list = options.get(key);
    if (list === undefined) options.set(key, [value]);
    else list.push(value);
  }
  return options;
}

function first(options: SshOptionLines, key: string): string | undefined {
  return options.get(key)?.[0];
}

function isNone(value: string | undefined): boolean {
  return value === undefined || value === '' || value.toLowerCase() === 'none';
}

function toNumber(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function toStrict(value: string | undefined): StrictHostKeyChecking {
  switch (value?.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'no':
    case 'off':
    case 'false':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}

/** Expands `~` and the `%` tokens OpenSSH allows in IdentityFile and known-hosts paths. */
export function expandPath(
  path: string,
  local: LocalContext,
  remote: { readonly hostname: string; readonly user: string; readonly port: number },
): string {
  const tilde = path === '~' ? local.home : path.startsWith('~/') ? `${local.home}${path.slice(1)}` : path;
  return tilde.replace(/%([%dhurp])/g, (_whole, token: string) => {
    switch (token) {
      case 'd':
        return local.home;
      case 'h':
        return remote.hostname;
      case 'u':
        return local.localUser;
      case 'r':
        return remote.user;
      case 'p':
        return String(remote.port);
      default:
        return '%';
    }
  });
}

/** Builds ResolvedHost from option lines and the device's own settings (which win). */
export function toResolvedHost(
  options: SshOptionLines,
  target: SshTarget,
  local: LocalContext,
  source: ResolvedHost['source'],
): ResolvedHost {
  const hostname = first(options, 'hostname') ?? target.host;
  const port = target.port ?? toNumber(first(options, 'port'), 22);
  const user = target.user ?? first(options, 'user') ?? local.localUser;
  const remote = { hostname, user, port };
  const expand = (p: string): string => expandPath(p, local, remote);
  const splitFiles = (key: string, fallback: string): string[] =>
    (first(options, key) ?? fallback).split(/\s+/).filter((p) => p !== '' && !isNone(p)).map(expand);
  const identityFiles =
    target.identityFile !== undefined
      ? [expand(target.identityFile)]
      : (options.get('identityfile') ?? []).filter((p) => !isNone(p)).map(expand);
  const agentSetting = first(options, 'identityagent');
  const identityAgent =
    agentSetting === undefined || agentSetting === 'SSH_AUTH_SOCK'
      ? local.authSock
      : isNone(agentSetting)
        ? undefined
        : expand(agentSetting.startsWith('$') ? (local.authSock ?? '') : agentSetting);
  const proxyJump = first(options, 'proxyjump');
  const alias = first(options, 'hostkeyalias');
  const timeout = first(options, 'connecttimeout');
  return {
    alias: target.host,
    hostname,
    port,
    user,
    identityFiles,
    identitiesOnly: first(options, 'identitiesonly')?.toLowerCase() === 'yes',
    identityAgent: identityAgent === '' ? undefined : identityAgent,
    proxyJump: isNone(proxyJump) ? undefined : proxyJump,
    userKnownHostsFiles: splitFiles('userknownhostsfile', '~/.ssh/known_hosts ~/.ssh/known_hosts2'),
    globalKnownHostsFiles: splitFiles('globalknownhostsfile', '/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2'),
    strictHostKeyChecking: toStrict(first(options, 'stricthostkeychecking')),
    hashKnownHosts: first(options, 'hashknownhosts')?.toLowerCase() === 'yes',
    hostKeyAlias: isNone(alias) ? undefined : alias,
    serverAliveIntervalS: toNumber(first(options, 'serveraliveinterval'), 0),
    serverAliveCountMax: toNumber(first(options, 'serveralivecountmax'), 3),
    connectTimeoutS: isNone(timeout) ? undefined : toNumber(timeout, 0) || undefined,
    source,
  };
}

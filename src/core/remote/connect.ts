/**
 * Opens one SSH connection with ssh2 to a resolved host: host key checked against known_hosts
 * (asking to trust an unknown host, refusing a changed or revoked key before anything is sent
 * beyond the handshake), then authentication, keepalive on. Every failure is a DevicesError.
 */
import type { Duplex } from 'node:stream';
import { ssh2 } from './ssh2-module';
import { DevicesError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../log';
import { makeAuthHandler, type AskSecret, type AuthAttempts } from './auth';
import { appendKnownHost, checkHostKey, orderHostKeyAlgorithms, readKnownHostsFiles, type HostKeyVerdict } from './host-key-check';
import { fingerprintSha256, formatKnownHostLine, keyTypeOfBlob, knownHostName } from './known-hosts';
import { MAX_JUMP_DEPTH, formatProxyJump, parseProxyJump } from './proxy-jump';
import { resolveHost } from './resolve-host';
import { SshConnection } from './ssh-connection';
import type { ResolvedHost, SshTarget } from './ssh-options';

/** What the prompt to trust an unknown host shows. */
export interface UnknownHostPrompt {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprintSha256: string;
}

export interface ConnectOptions {
  /** Asked when the host is not on record and StrictHostKeyChecking is `ask`; true trusts it. */
  readonly confirmUnknownHost?: (prompt: UnknownHostPrompt) => Promise<boolean>;
  readonly askSecret?: AskSecret;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Handshake and authentication deadline. Default: ConnectTimeout, else DEFAULT_READY_TIMEOUT_MS. */
  readonly readyTimeoutMs?: number;
  /** Resolves a ProxyJump hop; default `resolveHost` with the user's SSH config. */
  readonly resolveJump?: (target: SshTarget) => Promise<ResolvedHost>;
  /** Internal: how many jumps deep this connection is. */
  readonly jumpDepth?: number;
}

export const DEFAULT_READY_TIMEOUT_MS = 20_000;
/** Keepalive when ServerAliveInterval is off: a dead board is noticed within about a minute. */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 15_000;

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET']);

function describe(host: ResolvedHost): string {
  const where = host.port === 22 ? host.hostname : `${host.hostname} port ${String(host.port)}`;
  return host.alias === host.hostname ? where : `${host.alias} (${where})`;
}

function hostKeyError(host: ResolvedHost, verdict: HostKeyVerdict, key: Buffer): DevicesError {
  const now = `${fingerprintSha256(key)} (${keyTypeOfBlob(key)})`;
  if (verdict.kind === 'revoked') {
    return new DevicesError(
      'HOST_KEY_CHANGED',
      `Refused to connect to ${describe(host)}: its host key ${now} is marked @revoked in ${verdict.entry.file} line ${String(verdict.entry.line)}.`,
      { detail: verdict.entry.text },
    );
  }
  const recorded = verdict.kind === 'changed' ? verdict.recorded : [];
  const lines = recorded.map((e) => `${e.file} line ${String(e.line)}: ${fingerprintSha256(e.key)} (${e.keyType})`);
  const name = host.hostKeyAlias ?? knownHostName(host.hostname, host.port);
  return new DevicesError(
    'HOST_KEY_CHANGED',
    `WARNING: the host key of ${describe(host)} has changed. It is now ${now}; on record: ${lines.join('; ')}. ` +
      `Someone may be intercepting the connection, or the device was reinstalled. Nothing was sent. ` +
      `If the change is expected, remove the old line (ssh-keygen -R '${name}') and connect again.`,
    { detail: recorded.map((e) => `${e.file}:${String(e.line)}: ${e.text}`).join('\n') },
  );
}

function mapConnectError(host: ResolvedHost, error: unknown, attempts: AuthAttempts): DevicesError {
  if (error instanceof DevicesError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as NodeJS.ErrnoException).code;
  const level = (err as { level?: unknown }).level;
  if (level === 'client-authentication') {
    if (attempts.securityKeys.length > 0) {
      return new DevicesError(
        'UNSUPPORTED',
        `Could not log in to ${describe(host)} as ${host.user}: the identity ${attempts.securityKeys.join(', ')} is a security key (sk-*), which the built-in SSH client cannot use. Load a regular key into ssh-agent for this device, or use the OpenSSH client (ssh) for it.`,
        { cause: err },
      );
    }
    return new DevicesError(
      'AUTH_FAILED',
      `Could not log in to ${describe(host)} as ${host.user}. Tried: ${attempts.tried.join(', ') || 'nothing (no agent, no identity file found)'}. Check the device's user and identity settings, or add your key to the device's authorized_keys.`,
      { cause: err },
    );
  }
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || level === 'client-timeout' || /timed out/i.test(err.message)) {
    return new DevicesError(
      'DEVICE_UNREACHABLE',
      `Cannot reach ${describe(host)}: ${code ?? err.message}. Check that the device is powered on and on the network, and its host and port settings.`,
      { cause: err },
    );
  }
  return new DevicesError('SSH_FAILED', `SSH connection to ${describe(host)} failed: ${err.message}.`, { cause: err });
}

/** Opens a connection; resolves once authenticated. */
export async function connectSsh(host: ResolvedHost, options: ConnectOptions = {}): Promise<SshConnection> {
  options.signal?.throwIfAborted();
  const jump = host.proxyJump === undefined ? undefined : await connectJump(host, host.proxyJump, options);
  try {
    const sock = jump === undefined ? undefined : await jump.forwardOut(host.hostname, host.port);
    const connection = await connectDirect(host, options, sock);
    if (jump !== undefined) connection.onClose(() => jump.close());
    return connection;
  } catch (error) {
    jump?.close();
    throw error;
  }
}

/** Connects to the last hop of `spec` (itself through the earlier hops). */
async function connectJump(host: ResolvedHost, spec: string, options: ConnectOptions): Promise<SshConnection> {
  const depth = (options.jumpDepth ?? 0) + 1;
  const hops = parseProxyJump(spec);
  const last = hops[hops.length - 1];
  if (last === undefined || depth > MAX_JUMP_DEPTH) {
    throw new DevicesError('INVALID_SETTING', `ProxyJump for ${describe(host)} is empty or loops ("${spec}"). Check your SSH config.`);
  }
  const resolve = options.resolveJump ?? ((target: SshTarget) => resolveHost(target, { ...(options.logger ? { logger: options.logger } : {}) }));
  const resolved = await resolve(last);
  const earlier = hops.slice(0, -1);
  // OpenSSH: with a list, each hop goes through the one before it, whatever the hop's own config says.
  const jumpHost: ResolvedHost = earlier.length > 0 ? { ...resolved, proxyJump: formatProxyJump(earlier) } : resolved;
  (options.logger ?? SILENT_LOGGER).info(`ssh: reaching ${describe(host)} through ${describe(jumpHost)}`);
  return connectSsh(jumpHost, { ...options, jumpDepth: depth });
}

async function connectDirect(host: ResolvedHost, options: ConnectOptions, sock: Duplex | undefined): Promise<SshConnection> {
  const logger = options.logger ?? SILENT_LOGGER;
  const knownFiles = [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles];
  const entries = await readKnownHostsFiles(knownFiles);
  const name = host.hostKeyAlias ?? knownHostName(host.hostname, host.port);
  const attempts: AuthAttempts = { tried: [], securityKeys: [] };
  let failure: DevicesError | undefined;

  const verifyHost = async (key: Buffer): Promise<boolean> => {
    const verdict = checkHostKey(entries, name, key);
    if (verdict.kind === 'known') return true;
    if (verdict.kind !== 'unknown') {
      failure = hostKeyError(host, verdict, key);
      return false;
    }
    const prompt = { host: host.hostKeyAlias ?? host.hostname, port: host.port, keyType: keyTypeOfBlob(key), fingerprintSha256: fingerprintSha256(key) };
    let trusted = host.strictHostKeyChecking === 'no' || host.strictHostKeyChecking === 'accept-new';
    if (host.strictHostKeyChecking === 'ask' && options.confirmUnknownHost !== undefined) {
      trusted = await options.confirmUnknownHost(prompt);
    }
    if (!trusted) {
      failure = new DevicesError(
        'HOST_KEY_UNKNOWN',
        `The host key of ${describe(host)} (${prompt.fingerprintSha256}, ${prompt.keyType}) is not known${host.strictHostKeyChecking === 'yes' ? ' and StrictHostKeyChecking is yes' : ' and was not trusted'}. Connect once and trust it, or add it to your known_hosts.`,
      );
      return false;
    }
    const file = host.userKnownHostsFiles[0];
    if (file !== undefined) {
      await appendKnownHost(file, formatKnownHostLine(name, key, { hashed: host.hashKnownHosts }));
      logger.info(`ssh: added ${name} ${prompt.keyType} ${prompt.fingerprintSha256} to ${file}`);
    }
    return true;
  };

  const client = new (ssh2().Client)();
  const started = Date.now();
  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      client.destroy();
      settle(new DevicesError('CANCELLED', `Connecting to ${describe(host)} was cancelled.`));
    };
    const settle = (result: SshConnection | DevicesError): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (result instanceof DevicesError) reject(result);
      else resolve(result);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      logger.info(`ssh: connected to ${describe(host)} as ${host.user} in ${String(Date.now() - started)} ms`);
      settle(new SshConnection(client, host, logger));
    });
    client.once('error', (error: unknown) => {
      client.destroy();
      settle(failure ?? mapConnectError(host, error, attempts));
    });
    client.once('close', () => {
      settle(failure ?? new DevicesError('SSH_FAILED', `${describe(host)} closed the connection during login.`));
    });
    const timeoutS = host.connectTimeoutS;
    client.connect({
      ...(sock === undefined ? {} : { sock }),
      host: host.hostname,
      port: host.port,
      username: host.user,
      readyTimeout: options.readyTimeoutMs ?? (timeoutS === undefined ? DEFAULT_READY_TIMEOUT_MS : timeoutS * 1000),
      keepaliveInterval: host.serverAliveIntervalS > 0 ? host.serverAliveIntervalS * 1000 : DEFAULT_KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: host.serverAliveCountMax,
      algorithms: { serverHostKey: orderHostKeyAlgorithms(entries, name) },
      hostVerifier: (key, verify) => {
        verifyHost(key).then(verify, (error: unknown) => {
          failure = mapConnectError(host, error, attempts);
          verify(false);
        });
      },
      authHandler: makeAuthHandler(host, options.askSecret, attempts, logger),
    });
  });
}

/**
 * core/remote: the one SSH stack (ssh2). Resolve a device like the user's terminal does
 * (`resolveHost`), connect with host keys checked against known_hosts (`connectSsh`, or pooled per
 * device with `SshPool`, through ProxyJump hosts), run argv through the one quoting function
 * (`quoteArgv`), stream processes, SFTP, and sudo/doas with the password on stdin
 * (`prepareElevation`). Not supported: host certificates (@cert-authority), security-key
 * identities (sk-*: an UNSUPPORTED error says to use OpenSSH), doas with a password.
 */
export type { AskSecret, SecretRequest } from './auth';
export { DEFAULT_KEEPALIVE_INTERVAL_MS, DEFAULT_READY_TIMEOUT_MS, connectSsh } from './connect';
export type { ConnectOptions, UnknownHostPrompt } from './connect';
export { prepareElevation } from './elevation';
export { formatProxyJump, parseProxyJump } from './proxy-jump';
export type { Elevation, ElevationMethod } from './elevation';
export { checkHostKey, orderHostKeyAlgorithms, readKnownHostsFiles } from './host-key-check';
export type { HostKeyVerdict } from './host-key-check';
export { matchHostPatterns } from './host-pattern';
export { entryMatchesName, fingerprintSha256, formatKnownHostLine, keyTypeOfBlob, knownHostName, parseKnownHosts } from './known-hosts';
export type { KnownHostEntry } from './known-hosts';
export { quoteArg, quoteArgv } from './quote';
export { REMOTE_CAPTURE_LIMIT_BYTES } from './remote-exec';
export type { RemoteExecOptions, RemoteExecResult } from './remote-exec';
export type { RemoteExit, RemoteProcess, RemoteSpawnOptions } from './remote-process';
export { defaultLocalContext, resolveHost } from './resolve-host';
export type { ResolveHostOptions } from './resolve-host';
export type { RemoteDirEntry, RemoteFiles, RemoteStat } from './sftp';
export { optionsFromConfigFiles } from './ssh-config-file';
export { SshConnection } from './ssh-connection';
export { parseSshGOutput, toResolvedHost } from './ssh-options';
export type { LocalContext, ResolvedHost, SshTarget, StrictHostKeyChecking } from './ssh-options';
export { DEFAULT_IDLE_TIMEOUT_MS, SshPool } from './ssh-pool';
export type { SshPoolOptions } from './ssh-pool';

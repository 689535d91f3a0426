/**
 * ProxyJump (ssh_config(5)): `[user@]host[:port]` hops, comma-separated, or `ssh://` URIs; the
 * first hop is reached directly, each later one through the previous. A hop's own settings come
 * from the SSH config like any host.
 */
import { DevicesError } from '../errors';
import type { SshTarget } from './ssh-options';

/** More hops than this is a loop in the SSH config. */
export const MAX_JUMP_DEPTH = 8;

function parseHop(text: string): SshTarget {
  const spec = text.startsWith('ssh://') ? text.slice('ssh://'.length).replace(/\/$/, '') : text;
  const at = spec.lastIndexOf('@');
  const user = at === -1 ? undefined : spec.slice(0, at);
  const rest = at === -1 ? spec : spec.slice(at + 1);
  // [v6::addr]:port, host:port, or host.
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  const host = m?.[1];
  if (host === undefined || host === '' || user === '') {
    throw new DevicesError('INVALID_SETTING', `ProxyJump "${text}" is not [user@]host[:port]. Check your SSH config.`);
  }
  const port = m?.[2] === undefined ? undefined : Number(m[2]);
  return { host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

export function parseProxyJump(value: string): SshTarget[] {
  return value
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '')
    .map(parseHop);
}

/** Formats hops back into a ProxyJump value (for the hops before the last). */
export function formatProxyJump(hops: readonly SshTarget[]): string {
  return hops
    .map((h) => `${h.user === undefined ? '' : `${h.user}@`}${h.host.includes(':') ? `[${h.host}]` : h.host}${h.port === undefined ? '' : `:${String(h.port)}`}`)
    .join(',');
}

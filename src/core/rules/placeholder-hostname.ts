import { isIP } from 'node:net';
import type { Finding, Rule } from './rule';
import { makeFinding } from './make-finding';
import { isRootZoneTld } from './data/iana-tlds';
import { analysisOf } from './query/analysis';
import { pathEndsWith } from './query/tree-index';
import { literalString, stringContentRange } from './query/values';

/** Names for private networks that are not in the root zone but resolve on a LAN (mDNS, a home router, split DNS). */
const PRIVATE_TLDS: ReadonlySet<string> = new Set(['local', 'lan', 'internal', 'home', 'corp', 'localdomain', 'intranet', 'private', 'localhost']);
/** RFC 2606 / RFC 6761 names that never resolve to a real machine. */
const RESERVED_TLDS: ReadonlySet<string> = new Set(['test', 'example', 'invalid']);
const EXAMPLE_DOMAINS = /(^|\.)example\.(com|net|org)$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export const placeholderHostnameRule: Rule = {
  id: 'placeholder-hostname',
  defaultSeverity: 'warning',
  description:
    "A deploy-rs node hostname that cannot be a real target: not a valid host name, a reserved example name (example.com, .test, .invalid, .example), or a name under a top-level domain that does not exist (the seed's `host.of.the.system.that.it.should.ssh.into`). The deploy fails when ssh cannot resolve it. `.local`, `.lan`, `.internal`, `.home.arpa`, bare names and IP addresses are fine.",
  check(context) {
    const { index, text } = analysisOf(context);
    const findings: Finding[] = [];
    for (const b of index.bindingsNamed('hostname')) {
      if (!pathEndsWith(b.path, ['nodes', '*', 'hostname']) || b.value === undefined) continue;
      const value = literalString(b.value, text);
      const range = stringContentRange(b.value);
      if (value === undefined || range === undefined) continue;
      const problem = hostnameProblem(value);
      if (problem !== undefined) {
        findings.push(makeFinding(placeholderHostnameRule, range, `${problem} ssh cannot reach the device, so the deploy fails before copying anything. Put the device's real host name or IP address here.`));
      }
    }
    return findings;
  },
};

/** Why `host` cannot name a real target, or undefined when it can. */
export function hostnameProblem(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return undefined;
  if (host.length === 0) return 'The hostname is empty:';
  if (host.includes('@')) return `'${host}' includes a user: deploy-rs takes the user from sshUser, and`;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = name.split('.');
  if (name.length > 253 || labels.some((l) => !LABEL.test(l))) return `'${host}' is not a valid host name (letters, digits and '-' between dots):`;
  const tld = (labels[labels.length - 1] ?? '').toLowerCase();
  if (labels.length === 1 || PRIVATE_TLDS.has(tld) || name.toLowerCase().endsWith('.home.arpa')) return undefined;
  if (EXAMPLE_DOMAINS.test(name.toLowerCase()) || RESERVED_TLDS.has(tld)) return `'${host}' is a reserved example name that never resolves to a real machine:`;
  if (/^\d+$/.test(tld)) return `'${host}' is neither an IP address nor a host name:`;
  if (!isRootZoneTld(tld)) return `'${host}' looks like a placeholder: '.${tld}' is not a top-level domain, so it cannot resolve;`;
  return undefined;
}

import type { Finding, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import { literalString, stringContentRange } from './query/values';

/**
 * `nixos-23.05`, `nixpkgs-23.05-darwin`, `release-23.05`, `nixos-23.05-small` as the ref of a
 * flake reference: after `/` or `ref=`, and ending the reference, its path or its archive name.
 */
const BRANCH = /(?<=^|[/=])(nixos|nixpkgs|release)-(\d{2})\.(05|11)(?:-small|-darwin|-aarch64)?(?=$|[?&#/]|\.tar|\.zip)/g;

/** A NixOS release YY.MM is supported until the end of the 7th month after its release month. */
export function endOfLife(year: number, month: number): Date {
  // Day 0 of the month after (month + 7) is the last day of month + 7.
  return new Date(Date.UTC(2000 + year, month + 7, 0, 23, 59, 59));
}

/** The newest release out on `today` (a release counts once its month is over) that is still supported. */
export function newestSupported(today: Date): string {
  for (let y = today.getUTCFullYear() - 2000; y >= 0; y--) {
    for (const m of [11, 5]) {
      const released = new Date(Date.UTC(2000 + y, m, 1)); // first day of the month after the release month
      if (released.getTime() <= today.getTime() && endOfLife(y, m).getTime() >= today.getTime()) return `${String(y).padStart(2, '0')}.${String(m).padStart(2, '0')}`;
    }
  }
  return 'unstable';
}

export const nixpkgsChannelEolRule: Rule = {
  id: 'nixpkgs-channel-eol',
  defaultSeverity: 'warning',
  description:
    'A flake input on a NixOS release branch (nixos-YY.MM, nixpkgs-YY.MM, release-YY.MM) that is out of support on today\'s date. Each release gets security fixes until the end of the seventh month after it comes out (23.05 until 2023-12-31, 23.11 until 2024-06-30); after that the branch never changes, so the device keeps known vulnerabilities. The fix moves the input to the newest supported release; run `nix flake update` afterwards.',
  check(context) {
    const { flake, text } = analysisOf(context);
    if (flake === undefined) return [];
    const findings: Finding[] = [];
    for (const b of flake.inputBindings) {
      const last = b.path[b.path.length - 1]?.name;
      if ((last !== 'url' && last !== 'ref') || b.value === undefined) continue;
      const value = literalString(b.value, text);
      const range = stringContentRange(b.value);
      if (value === undefined || range === undefined || text.slice(range.start, range.end) !== value) continue;
      for (const match of value.matchAll(BRANCH)) {
        const [branch = '', kind = '', yy = '', mm = ''] = match;
        const eol = endOfLife(Number(yy), Number(mm));
        if (eol.getTime() >= context.today.getTime()) continue;
        const start = range.start + (match.index ?? 0);
        const newest = newestSupported(context.today);
        const replacement = newest === 'unstable' ? undefined : `${kind}-${newest}${branch.slice(kind.length + 6)}`;
        findings.push(
          makeFinding(
            nixpkgsChannelEolRule,
            { start, end: start + branch.length },
            `${branch} went out of support on ${eol.toISOString().slice(0, 10)}: it gets no security fixes any more, so everything built from it keeps known vulnerabilities. Move to ${replacement ?? 'a supported release'} and run \`nix flake update\` (read the release notes for options that changed).`,
            { fixes: replacement === undefined ? [] : [{ title: `Move to ${replacement}`, edits: [{ start: start + kind.length + 1, end: start + kind.length + 1 + yy.length + 1 + mm.length, newText: newest }], isPreferred: true }] },
          ),
        );
      }
    }
    return findings;
  },
};

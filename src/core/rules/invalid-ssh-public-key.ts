import type { Finding, Rule } from './rule';
import { makeFinding } from './make-finding';
import { analysisOf } from './query/analysis';
import { checkSshPublicKey, type SshKeyProblem } from './query/ssh-public-key';
import { pathEndsWith } from './query/tree-index';
import { listElements, literalString, stringContentRange } from './query/values';

export const invalidSshPublicKeyRule: Rule = {
  id: 'invalid-ssh-public-key',
  defaultSeverity: 'error',
  description:
    'An entry of `openssh.authorizedKeys.keys` that is not a valid OpenSSH public key: an unknown key type (`ssh-ed255119`), a blob that is not base64, or a blob whose embedded type differs from the written one. sshd ignores such a line, so after the device boots nobody can log in with it: a placeholder key locks you out of a headless board.',
  check(context) {
    const { index, text } = analysisOf(context);
    const findings: Finding[] = [];
    for (const b of index.bindingsNamed('keys')) {
      if (!pathEndsWith(b.path, ['openssh', 'authorizedKeys', 'keys'])) continue;
      for (const element of listElements(b.value, text).elements) {
        const value = literalString(element, text);
        const range = element.kind === 'String' ? stringContentRange(element) : undefined;
        if (value === undefined || range === undefined) continue;
        const problem = checkSshPublicKey(value);
        if (problem === undefined) continue;
        // Escapes make value offsets differ from text offsets; then the whole string is the range.
        const exact = text.slice(range.start, range.end) === value;
        const at = exact ? problemRange(problem, range.start) : range;
        findings.push(makeFinding(invalidSshPublicKeyRule, at ?? range, `${describe(problem)} sshd ignores this line, so this key cannot log in to the device: with no other way in, a headless board is locked out. Paste the whole line of your ~/.ssh/id_*.pub.`));
      }
    }
    return findings;
  },
};

function problemRange(problem: SshKeyProblem, base: number): { start: number; end: number } | undefined {
  switch (problem.kind) {
    case 'empty':
      return undefined;
    case 'unknown-type':
    case 'missing-key':
      return { start: base + problem.offset, end: base + problem.offset + problem.type.length };
    case 'bad-base64':
    case 'type-mismatch':
    case 'bad-length':
    case 'missing-type':
      return { start: base + problem.offset, end: base + problem.offset + problem.length };
  }
}

function describe(problem: SshKeyProblem): string {
  switch (problem.kind) {
    case 'empty':
      return 'This authorized key is empty.';
    case 'unknown-type':
      return `'${problem.type}' is not an SSH key type${problem.suggestion === undefined ? '' : ` (did you mean '${problem.suggestion}'?)`}.`;
    case 'missing-key':
      return `The ${problem.type} key has no key data after its type.`;
    case 'missing-type':
      return 'The key type (ssh-ed25519, ssh-rsa, …) is missing before the key data.';
    case 'bad-base64':
      return 'The key data is not valid base64 (a truncated or placeholder key).';
    case 'type-mismatch':
      return `The key data is a '${problem.embedded}' key, but the line says '${problem.type}'.`;
    case 'bad-length':
      return `The ${problem.type} key data has the wrong length (a truncated key).`;
  }
}

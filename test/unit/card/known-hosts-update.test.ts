import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planKnownHostsUpdate } from '../../../src/core/card';
import { DevicesError } from '../../../src/core/errors';
import { checkHostKey, fingerprintSha256, formatKnownHostLine, parseKnownHosts } from '../../../src/core/remote';

/** An ed25519 public key blob: string "ssh-ed25519" then a 32-byte key (RFC 8709). */
function ed25519(fill: number): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const key = Buffer.alloc(32, fill);
  const length = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([length(type.length), type, length(key.length), key]);
}

const NEW = ed25519(1);
const OLD = ed25519(2);
const OTHER = ed25519(3);
const line = (hosts: string, key: Buffer): string => `${hosts} ssh-ed25519 ${key.toString('base64')}`;
const FILE = '/home/u/.ssh/known_hosts';

describe('planning a known_hosts update for a pre-seeded key', () => {
  it('a new file gets one line per name and nothing else', () => {
    const plan = planKnownHostsUpdate('', FILE, ['vulpix', '[10.0.0.2]:2222'], NEW, { hashed: false });
    assert.equal(plan.text, `${line('vulpix', NEW)}\n${line('[10.0.0.2]:2222', NEW)}\n`);
    assert.deepEqual(plan.replaced, []);
    assert.equal(plan.unchanged, false);
    const entries = parseKnownHosts(plan.text, FILE);
    assert.equal(checkHostKey(entries, '[10.0.0.2]:2222', NEW).kind, 'known');
  });

  it('hashed lines (HashKnownHosts) match the name through the HMAC and nothing in clear', () => {
    const salt = Buffer.alloc(20, 7);
    const plan = planKnownHostsUpdate('', FILE, ['vulpix'], NEW, { hashed: true, salts: [salt] });
    assert.equal(plan.text, `${formatKnownHostLine('vulpix', NEW, { hashed: true, salt })}\n`);
    assert.doesNotMatch(plan.text, /vulpix/);
    assert.equal(checkHostKey(parseKnownHosts(plan.text, FILE), 'vulpix', NEW).kind, 'known');
  });

  it('replaces stale records of the names only, saying which, and keeps everything else byte for byte', () => {
    const hashedOld = formatKnownHostLine('vulpix', OLD, { hashed: true, salt: Buffer.alloc(20, 9) });
    const text = [
      '# my hosts',
      line('other.example', OTHER),
      line('vulpix,10.0.0.9', OLD),
      hashedOld,
      line('*.local', OTHER),
      `@revoked ${line('vulpix', ed25519(4))}`,
      line('VULPIX', OLD),
      '',
    ].join('\n');
    const plan = planKnownHostsUpdate(text, FILE, ['vulpix'], NEW, { hashed: false });
    assert.deepEqual(
      plan.replaced.map((r) => [r.line, r.removed, r.names, r.fingerprintSha256]),
      [
        [3, 'name', ['vulpix'], fingerprintSha256(OLD)],
        [4, 'line', ['vulpix'], fingerprintSha256(OLD)],
        [7, 'line', ['VULPIX'], fingerprintSha256(OLD)],
      ],
    );
    assert.equal(
      plan.text,
      ['# my hosts', line('other.example', OTHER), line('10.0.0.9', OLD), line('*.local', OTHER), `@revoked ${line('vulpix', ed25519(4))}`, line('vulpix', NEW), ''].join('\n'),
    );
    // The old key no longer vouches for vulpix; the new one does; 10.0.0.9 keeps its record.
    const entries = parseKnownHosts(plan.text, FILE);
    assert.equal(checkHostKey(entries, 'vulpix', NEW).kind, 'known');
    assert.equal(checkHostKey(entries, 'vulpix', OLD).kind, 'changed');
    assert.equal(checkHostKey(entries, '10.0.0.9', OLD).kind, 'known');
  });

  it('a wildcard match is left alone (the new line is enough) and a file without a final newline stays whole', () => {
    const plan = planKnownHostsUpdate(line('*.local', OTHER), FILE, ['vulpix.local'], NEW, { hashed: false });
    assert.deepEqual(plan.replaced, []);
    assert.equal(plan.text, `${line('*.local', OTHER)}\n${line('vulpix.local', NEW)}\n`);
    assert.equal(checkHostKey(parseKnownHosts(plan.text, FILE), 'vulpix.local', NEW).kind, 'known');
  });

  it('nothing to do when every name already has exactly this key; the same key elsewhere is not "replaced"', () => {
    const text = `${line('vulpix', NEW)}\n`;
    const plan = planKnownHostsUpdate(text, FILE, ['vulpix'], NEW, { hashed: false });
    assert.equal(plan.unchanged, true);
    assert.equal(plan.text, text);
    const partly = planKnownHostsUpdate(text, FILE, ['vulpix', 'vulpix.lan'], NEW, { hashed: false });
    assert.equal(partly.unchanged, false);
    assert.deepEqual(partly.replaced, []);
    assert.equal(partly.text, `${line('vulpix', NEW)}\n${line('vulpix.lan', NEW)}\n`);
  });

  it('needs a name', () => {
    assert.throws(() => planKnownHostsUpdate('', FILE, [], NEW, { hashed: false }), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT');
  });
});

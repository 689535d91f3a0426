import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  checkHostKey,
  entryMatchesName,
  fingerprintSha256,
  formatKnownHostLine,
  keyTypeOfBlob,
  knownHostName,
  orderHostKeyAlgorithms,
  parseKnownHosts,
} from '../../../../src/core/remote';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'remote');
const plain = parseKnownHosts(readFileSync(join(FIXTURES, 'known_hosts.plain'), 'utf-8'), 'plain');
const hashed = parseKnownHosts(readFileSync(join(FIXTURES, 'known_hosts.hashed'), 'utf-8'), 'hashed');
const ed25519 = plain[0]?.key ?? Buffer.alloc(0);
const rsa = plain[1]?.key ?? Buffer.alloc(0);

describe('known_hosts', () => {
  it('names a host as OpenSSH records it: bare on port 22, [host]:port otherwise, lower case', () => {
    assert.equal(knownHostName('Board.Example', 22), 'board.example');
    assert.equal(knownHostName('10.0.0.5', 2222), '[10.0.0.5]:2222');
  });

  it('parses plain entries with their key type and line number', () => {
    assert.equal(plain.length, 2);
    assert.equal(plain[0]?.keyType, 'ssh-ed25519');
    assert.equal(plain[1]?.line, 2);
    assert.equal(keyTypeOfBlob(rsa), 'ssh-rsa');
  });

  it('matches entries hashed by ssh-keygen -H with HMAC-SHA1 of the host name', () => {
    assert.equal(hashed.length, 2);
    const [first, second] = hashed;
    assert.ok(first && second);
    assert.equal(first.names.kind, 'hashed');
    assert.ok(entryMatchesName(first, 'board.example'));
    assert.ok(!entryMatchesName(first, 'other.example'));
    assert.ok(entryMatchesName(second, '[10.0.0.5]:2222'));
    assert.ok(!entryMatchesName(second, '10.0.0.5'), 'port 2222 is not port 22');
  });

  it('computes SHA256 fingerprints exactly as ssh-keygen -l prints them', () => {
    const oracle = readFileSync(join(FIXTURES, 'fingerprints.txt'), 'utf-8');
    assert.ok(oracle.includes(fingerprintSha256(ed25519)));
    assert.ok(oracle.includes(fingerprintSha256(rsa)));
  });

  it('matches plain pattern lists with wildcards and negation', () => {
    const [entry] = parseKnownHosts(`*.lab,!gw.lab,[10.1.*]:22 ${readFileSync(join(FIXTURES, 'known_hosts.plain'), 'utf-8').split(' ').slice(1, 3).join(' ')}\n`, 'f');
    assert.ok(entry);
    assert.ok(entryMatchesName(entry, 'pi.lab'));
    assert.ok(!entryMatchesName(entry, 'gw.lab'));
    assert.ok(!entryMatchesName(entry, 'pi.lab.evil'));
  });

  it('reads @revoked and @cert-authority markers and skips malformed lines', () => {
    const key = ed25519.toString('base64');
    const entries = parseKnownHosts(`@revoked * ssh-ed25519 ${key}\n@cert-authority *.lab ssh-ed25519 ${key}\n@bogus x ssh-ed25519 ${key}\nonlyhost\n# comment\n`, 'f');
    assert.deepEqual(entries.map((e) => e.marker), ['revoked', 'cert-authority']);
  });

  it('writes hashed lines that match the name they were made for, and plain lines', () => {
    const line = formatKnownHostLine('[10.77.0.2]:2200', ed25519, { hashed: true });
    const [entry] = parseKnownHosts(line, 'f');
    assert.ok(entry && entryMatchesName(entry, '[10.77.0.2]:2200'));
    assert.ok(entry.key.equals(ed25519));
    assert.equal(formatKnownHostLine('pi.lab', ed25519, { hashed: false }), `pi.lab ssh-ed25519 ${ed25519.toString('base64')}`);
  });
});

describe('host key check', () => {
  it('accepts a key on record in plain or hashed form', () => {
    assert.equal(checkHostKey(plain, 'board.example', ed25519).kind, 'known');
    assert.equal(checkHostKey(hashed, '[10.0.0.5]:2222', rsa).kind, 'known');
  });

  it('calls a host with no entries unknown', () => {
    assert.equal(checkHostKey(plain, 'new.example', ed25519).kind, 'unknown');
  });

  it('calls a different key for a recorded host changed and lists what is on record', () => {
    const verdict = checkHostKey(hashed, 'board.example', rsa);
    assert.equal(verdict.kind, 'changed');
    assert.equal(verdict.kind === 'changed' ? verdict.recorded[0]?.line : 0, 1);
  });

  it('refuses a revoked key even when it is also on record as good', () => {
    const entries = [...plain, ...parseKnownHosts(`@revoked * ssh-ed25519 ${ed25519.toString('base64')}`, 'global')];
    assert.equal(checkHostKey(entries, 'board.example', ed25519).kind, 'revoked');
  });

  it('never lets a @cert-authority line vouch for a host key (certificates are unsupported)', () => {
    const entries = parseKnownHosts(`@cert-authority board.example ssh-ed25519 ${ed25519.toString('base64')}`, 'f');
    assert.equal(checkHostKey(entries, 'board.example', ed25519).kind, 'unknown');
  });

  it('offers the recorded key types first so an RSA-only host is asked for its RSA key', () => {
    const order = orderHostKeyAlgorithms(plain, '[10.0.0.5]:2222');
    assert.deepEqual(order.slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.ok(order.includes('ssh-ed25519'));
    assert.equal(orderHostKeyAlgorithms(plain, 'unknown.example')[0], 'ssh-ed25519');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSshPublicKey } from '../../../../../src/core/rules/query/ssh-public-key';

/** Real keys made with ssh-keygen for this test. */
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILw1nNwf8iRxx4dptssmKtw5xGEAhPacwkhWzTQdPueW me@laptop';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAL89VoPuglHzXJ7/SZkYWUmhuE5feeO97WZhAJ8KjbHbzQlIctElAnyit+bclHrs04qZ4OWpAP31FRVMu/dVGs=';

describe('checkSshPublicKey', () => {
  it('accepts real keys, with or without a comment, and with authorized_keys options', () => {
    assert.equal(checkSshPublicKey(ED25519), undefined);
    assert.equal(checkSshPublicKey(ED25519.replace(' me@laptop', '')), undefined);
    assert.equal(checkSshPublicKey(ECDSA), undefined);
    assert.equal(checkSshPublicKey(`command="echo hi there",no-pty,from="10.0.0.0/8" ${ED25519}`), undefined);
  });

  it("names the seed's placeholder type and suggests the real one", () => {
    assert.deepEqual(checkSshPublicKey('ssh-ed255119 AAAAAAAAAAAAAAAAAAsdfgjgkly idk i dont speak bottom'), {
      kind: 'unknown-type',
      type: 'ssh-ed255119',
      offset: 0,
      suggestion: 'ssh-ed25519',
    });
  });

  it('rejects bad base64, a truncated key, a missing key, a missing type and a type mismatch', () => {
    assert.equal(checkSshPublicKey('ssh-ed25519 AAAA!!!!')?.kind, 'bad-base64');
    assert.equal(checkSshPublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILw1nNwf8iRxx4dptssmKtw5xGEA')?.kind, 'bad-length');
    assert.equal(checkSshPublicKey('ssh-ed25519')?.kind, 'missing-key');
    assert.equal(checkSshPublicKey('AAAAC3NzaC1lZDI1NTE5AAAAILw1nNwf8iRxx4dptssmKtw5xGEAhPacwkhWzTQdPueW')?.kind, 'missing-type');
    assert.deepEqual(checkSshPublicKey(ED25519.replace('ssh-ed25519', 'ssh-rsa')), {
      kind: 'type-mismatch',
      type: 'ssh-rsa',
      embedded: 'ssh-ed25519',
      offset: 8,
      length: 68,
    });
    assert.deepEqual(checkSshPublicKey('   '), { kind: 'empty' });
  });
});

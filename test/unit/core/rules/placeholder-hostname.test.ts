import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostnameProblem } from '../../../../src/core/rules/placeholder-hostname';

describe('hostnameProblem', () => {
  it('accepts names that can reach a device', () => {
    for (const host of ['vulpix', 'pi.local', 'nas.lan', 'build.internal', 'board.home.arpa', 'localhost', '192.168.1.2', '::1', '[fe80::1]', 'pi.example.dev', 'deploy.nixos.org', 'x.y.z.io.']) {
      assert.equal(hostnameProblem(host), undefined, host);
    }
  });

  it("rejects the seed's placeholder, reserved names and invalid syntax", () => {
    assert.match(hostnameProblem('host.of.the.system.that.it.should.ssh.into') ?? '', /'\.into' is not a top-level domain/);
    for (const host of ['example.com', 'pi.example.org', 'a.test', 'b.invalid', 'c.example']) assert.match(hostnameProblem(host) ?? '', /reserved example/, host);
    for (const host of ['bad_name.lan', '-pi.lan', 'a..b', `${'a'.repeat(64)}.lan`]) assert.match(hostnameProblem(host) ?? '', /not a valid host name/, host);
    assert.match(hostnameProblem('') ?? '', /empty/);
    assert.match(hostnameProblem('root@pi.lan') ?? '', /sshUser/);
    assert.match(hostnameProblem('10.0.0.300') ?? '', /neither an IP address nor a host name/);
  });
});

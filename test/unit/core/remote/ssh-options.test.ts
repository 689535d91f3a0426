import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProxyJump, matchHostPatterns, optionsFromConfigFiles, parseProxyJump, parseSshGOutput, toResolvedHost } from '../../../../src/core/remote';

const LOCAL = { home: '/home/me', localUser: 'me', authSock: '/run/agent.sock' };

/** Trimmed from `ssh -G -F cfg board` (OpenSSH 9.2p1). */
const SSH_G = `User pi
hostname 10.1.2.3
port 2222
hashknownhosts no
identitiesonly yes
stricthostkeychecking accept-new
serveralivecountmax 3
serveraliveinterval 7
hostkeyalias boardalias
identityfile ~/.ssh/id_board
identityfile %d/.ssh/id_%r
globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2
userknownhostsfile /home/me/.ssh/known_hosts /home/me/.ssh/known_hosts2
connecttimeout none
proxyjump jump
`;

describe('ssh options', () => {
  it('reads ssh -G output, expanding ~ and tokens in identity files', () => {
    const host = toResolvedHost(parseSshGOutput(SSH_G), { host: 'board' }, LOCAL, 'ssh -G');
    assert.equal(host.hostname, '10.1.2.3');
    assert.equal(host.port, 2222);
    assert.equal(host.user, 'pi');
    assert.deepEqual(host.identityFiles, ['/home/me/.ssh/id_board', '/home/me/.ssh/id_pi']);
    assert.equal(host.identitiesOnly, true);
    assert.equal(host.identityAgent, '/run/agent.sock');
    assert.equal(host.proxyJump, 'jump');
    assert.equal(host.strictHostKeyChecking, 'accept-new');
    assert.equal(host.hostKeyAlias, 'boardalias');
    assert.equal(host.serverAliveIntervalS, 7);
    assert.equal(host.connectTimeoutS, undefined);
    assert.deepEqual(host.globalKnownHostsFiles, ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
  });

  it("lets the device's settings override host, port, user and identity", () => {
    const host = toResolvedHost(parseSshGOutput(SSH_G), { host: 'board', port: 22, user: 'root', identityFile: '~/k' }, LOCAL, 'ssh -G');
    assert.equal(host.port, 22);
    assert.equal(host.user, 'root');
    assert.deepEqual(host.identityFiles, ['/home/me/k']);
  });

  it('matches Host patterns with *, ? and negation', () => {
    assert.ok(matchHostPatterns(['pi-?', 'board*'], 'pi-3'));
    assert.ok(matchHostPatterns(['*'], 'anything'));
    assert.ok(!matchHostPatterns(['*', '!gw'], 'gw'));
    assert.ok(!matchHostPatterns(['pi-?'], 'pi-10'));
  });

  it('reads config files with first value winning, IdentityFile accumulating, Match skipped', () => {
    const config = `
# comment
Host board !nomatch
  HostName %h.lab
  Port=2200
  IdentityFile ~/.ssh/a
Match user root
  Port 9999
Host *
  Port 22
  User "pi user"
  IdentityFile ~/.ssh/b
  StrictHostKeyChecking yes
`;
    const host = toResolvedHost(optionsFromConfigFiles([config], 'board'), { host: 'board' }, LOCAL, 'config-file');
    assert.equal(host.hostname, 'board.lab');
    assert.equal(host.port, 2200);
    assert.equal(host.user, 'pi user');
    assert.deepEqual(host.identityFiles, ['/home/me/.ssh/a', '/home/me/.ssh/b']);
    assert.equal(host.strictHostKeyChecking, 'yes');
    assert.deepEqual(host.userKnownHostsFiles, ['/home/me/.ssh/known_hosts', '/home/me/.ssh/known_hosts2']);
  });

  it('falls back to OpenSSH defaults for a host with no config', () => {
    const host = toResolvedHost(optionsFromConfigFiles([''], 'pi.lab'), { host: 'pi.lab' }, LOCAL, 'config-file');
    assert.equal(host.hostname, 'pi.lab');
    assert.equal(host.port, 22);
    assert.equal(host.user, 'me');
    assert.equal(host.strictHostKeyChecking, 'ask');
    assert.ok(host.identityFiles.includes('/home/me/.ssh/id_ed25519'));
  });
});

describe('ProxyJump values', () => {
  it('parses hops with users, ports, IPv6 brackets and ssh:// URIs, and formats them back', () => {
    const hops = parseProxyJump('alice@gw:2200, [fe80::1]:22,ssh://bob@bastion/');
    assert.deepEqual(hops, [
      { host: 'gw', user: 'alice', port: 2200 },
      { host: 'fe80::1', port: 22 },
      { host: 'bastion', user: 'bob' },
    ]);
    assert.equal(formatProxyJump(hops), 'alice@gw:2200,[fe80::1]:22,bob@bastion');
  });

  it('rejects a hop that is not [user@]host[:port]', () => {
    assert.throws(() => parseProxyJump('@gw'), /ProxyJump/);
    assert.throws(() => parseProxyJump('gw:port'), /ProxyJump/);
  });
});

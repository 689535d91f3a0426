import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { connectSsh, resolveHost, SshPool, type SecretRequest } from '../../../src/core/remote';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { writeClientFiles, type ClientFiles } from './remote-fixture';

describe('host resolution through ssh -G, authentication, and the board link', () => {
  const temp = makeTempDir('remote-resolve');
  let board: SshDevice;
  let files: ClientFiles;

  before(async () => {
    board = await startSshDevice({ name: 'resolve' });
    files = writeClientFiles(temp.path, board, { alias: 'my-board' });
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine()}\n`);
  });
  after(async () => {
    await board.stop();
    temp.remove();
  });

  it('resolves an alias with the real ssh -G -F and connects to it', async () => {
    const host = await resolveHost({ host: 'my-board' }, { configFile: files.configFile, local: files.local });
    assert.equal(host.source, 'ssh -G');
    assert.deepEqual([host.hostname, host.port, host.user], [board.host, 22, 'root']);
    assert.deepEqual(host.identityFiles, [board.clientKey]);
    assert.deepEqual(host.userKnownHostsFiles, [files.userKnownHosts]);
    const connection = await connectSsh(host);
    assert.equal((await connection.execChecked(['echo', 'via alias'])).stdout, 'via alias\n');
    connection.close();
  });

  it('gives the same options from the fallback parser as from ssh -G for the same file', async () => {
    const viaSsh = await resolveHost({ host: 'my-board' }, { configFile: files.configFile, local: files.local });
    const viaParser = await resolveHost({ host: 'my-board' }, { configFile: files.configFile, local: files.local, sshProgram: false });
    assert.deepEqual({ ...viaParser, source: 'ssh -G' }, viaSsh);
    const missing = await resolveHost({ host: 'my-board' }, { configFile: files.configFile, local: files.local, sshProgram: join(temp.path, 'no-ssh') });
    assert.equal(missing.source, 'config-file');
  });

  it('lets device settings override the config and reports a host ssh rejects', async () => {
    const host = await resolveHost({ host: 'my-board', port: 2222, user: 'pi' }, { configFile: files.configFile, local: files.local });
    assert.deepEqual([host.port, host.user], [2222, 'pi']);
    await assert.rejects(
      resolveHost({ host: 'a b$(touch x)' }, { configFile: files.configFile, local: files.local }),
      (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_SETTING' && /invalid characters/.test(e.message),
    );
    await assert.rejects(resolveHost({ host: '-oProxyCommand=x' }, { configFile: files.configFile }), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_SETTING');
  });

  it('asks for the passphrase of an encrypted identity and logs in with it', async () => {
    const key = join(temp.path, 'encrypted');
    // Few KDF rounds (-a 4): ssh2 decrypts in JavaScript, and the default 16 cost seconds.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '4', '-N', 'open sesame', '-C', '', '-f', key]);
    board.authorize(readFileSync(`${key}.pub`, 'utf-8'));
    const host = await resolveHost({ host: 'my-board', identityFile: key }, { configFile: files.configFile, local: files.local });
    const asked: SecretRequest[] = [];
    const connection = await connectSsh(host, {
      askSecret: (request) => {
        asked.push(request);
        return Promise.resolve('open sesame');
      },
    });
    connection.close();
    assert.deepEqual(asked.map((r) => r.kind), ['passphrase']);
    assert.ok(asked[0]?.prompt.includes(key));
    await assert.rejects(connectSsh(host, { askSecret: () => Promise.resolve(undefined) }), (e: unknown) => e instanceof DevicesError && e.code === 'AUTH_FAILED' && e.message.includes('root'));
  });

  it('reaches a board through a ProxyJump host, over one forwarded stream', async () => {
    const jump = await startSshDevice({ name: 'jump', network: 'loopback' });
    try {
      const config = join(temp.path, 'jump_config');
      writeFileSync(
        config,
        `${readFileSync(files.configFile, 'utf-8')}  ProxyJump jumpbox\nHost jumpbox\n  HostName ${jump.host}\n  Port ${String(jump.port)}\n  User root\n  IdentityFile ${jump.clientKey}\n  UserKnownHostsFile ${files.userKnownHosts}\n`,
      );
      writeFileSync(files.userKnownHosts, `${board.knownHostsLine()}\n${jump.knownHostsLine()}\n`);
      const pool = new SshPool({ resolve: { configFile: config, local: files.local } });
      try {
        const connection = await pool.connection({ host: 'my-board' });
        assert.equal(connection.host.proxyJump, 'jumpbox');
        assert.equal((await connection.execChecked(['echo', 'jumped'])).stdout, 'jumped\n');
        assert.equal(jump.log().split('Accepted publickey').length - 1, 1, 'logged in to the jump host once');
      } finally {
        await pool.close();
      }
    } finally {
      writeFileSync(files.userKnownHosts, `${board.knownHostsLine()}\n`);
      await jump.stop();
    }
  });

  it('notices a board that went silent through keepalive, and the pool reconnects once it is back', async () => {
    const config = join(temp.path, 'keepalive_config');
    writeFileSync(config, `${readFileSync(files.configFile, 'utf-8')}  ServerAliveInterval 1\n  ServerAliveCountMax 2\n`);
    const pool = new SshPool({ resolve: { configFile: config, local: files.local } });
    try {
      const first = await pool.connection({ host: 'my-board' });
      const closed = new Promise<void>((resolve) => first.onClose(resolve));
      board.linkDown();
      try {
        await closed;
      } finally {
        board.linkUp();
      }
      assert.equal(first.closed, true);
      const second = await pool.connection({ host: 'my-board' });
      assert.notEqual(second, first);
      assert.equal((await second.execChecked(['echo', 'alive'])).stdout, 'alive\n');
    } finally {
      await pool.close();
    }
  });

  it('calls a board whose link is down unreachable, and reaches it again once the link is up', async () => {
    const host = await resolveHost({ host: 'my-board' }, { configFile: files.configFile, local: files.local });
    board.linkDown();
    try {
      await assert.rejects(connectSsh(host, { readyTimeoutMs: 1_000 }), (e: unknown) => e instanceof DevicesError && e.code === 'DEVICE_UNREACHABLE' && e.message.includes(board.host));
    } finally {
      board.linkUp();
    }
    const connection = await connectSsh(host);
    assert.equal((await connection.execChecked(['echo', 'back'])).stdout, 'back\n');
    connection.close();
  });
});

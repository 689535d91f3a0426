import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { connectSsh, type UnknownHostPrompt } from '../../../src/core/remote';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { resolveBoard, writeClientFiles } from './remote-fixture';

function fingerprintOf(publicLine: string, dir: string): string {
  const file = join(dir, 'fp.pub');
  writeFileSync(file, `${publicLine}\n`);
  return execFileSync('ssh-keygen', ['-lf', file, '-E', 'sha256'], { encoding: 'utf-8' }).split(' ')[1] ?? '';
}

function isError(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof DevicesError && e.code === code;
}

describe('host keys against a real sshd in a network namespace', () => {
  const temp = makeTempDir('remote-hostkeys');
  let board: SshDevice;
  let loopback: SshDevice;
  let otherKey: string;

  before(async () => {
    [board, loopback] = await Promise.all([
      startSshDevice({ name: 'hostkeys', hostKeyTypes: ['ed25519', 'rsa'] }),
      startSshDevice({ name: 'hostkeys-lo', network: 'loopback' }),
    ]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(temp.path, 'other')]);
    otherKey = readFileSync(join(temp.path, 'other.pub'), 'utf-8').trim();
  });
  after(async () => {
    await Promise.all([board.stop(), loopback.stop()]);
    temp.remove();
  });

  function freshDir(name: string): string {
    const dir = join(temp.path, name);
    rmSync(dir, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', dir]);
    return dir;
  }

  it('connects when the host key is on record and runs commands', async () => {
    const files = writeClientFiles(freshDir('known'), board);
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine('ed25519')}\n`);
    const connection = await connectSsh(await resolveBoard(files));
    try {
      const result = await connection.execChecked(['echo', 'hello']);
      assert.equal(result.stdout, 'hello\n');
    } finally {
      connection.close();
    }
  });

  for (const [label, hashed, which] of [
    ['hashed, port 22 in a namespace', true, 'netns'],
    ['plain, [host]:port on loopback', false, 'loopback'],
  ] as const) {
    it(`trusts an unknown host through the prompt and writes a line OpenSSH accepts (${label})`, async () => {
      const target = which === 'netns' ? board : loopback;
      const files = writeClientFiles(freshDir(`unknown-${which}`), target, { hashKnownHosts: hashed });
      const prompts: UnknownHostPrompt[] = [];
      const connection = await connectSsh(await resolveBoard(files), {
        confirmUnknownHost: (prompt) => {
          prompts.push(prompt);
          return Promise.resolve(true);
        },
      });
      connection.close();
      const hostKey = target.hostKeys[0];
      assert.ok(hostKey);
      assert.deepEqual(prompts, [
        { host: target.host, port: target.port, keyType: 'ssh-ed25519', fingerprintSha256: fingerprintOf(hostKey.publicLine, temp.path) },
      ]);
      const written = readFileSync(files.userKnownHosts, 'utf-8');
      assert.equal(written.startsWith('|1|'), hashed);
      // The real OpenSSH client, refusing anything not on record, accepts the file we wrote.
      const out = execFileSync('ssh', [...target.sshArgs(files.userKnownHosts), '-o', 'StrictHostKeyChecking=yes', `root@${target.host}`, 'echo', 'accepted'], {
        encoding: 'utf-8',
      });
      assert.equal(out, 'accepted\n');
      // And we do not ask again.
      const again = await connectSsh(await resolveBoard(files), { confirmUnknownHost: () => Promise.reject(new Error('asked twice')) });
      again.close();
    });
  }

  it('refuses an unknown host the user declines, and writes nothing', async () => {
    const files = writeClientFiles(freshDir('declined'), board);
    await assert.rejects(connectSsh(await resolveBoard(files), { confirmUnknownHost: () => Promise.resolve(false) }), isError('HOST_KEY_UNKNOWN'));
    assert.equal(existsSync(files.userKnownHosts), false);
  });

  it('refuses an unknown host without asking when StrictHostKeyChecking is yes', async () => {
    const files = writeClientFiles(freshDir('strict'), board, { strict: 'yes' });
    await assert.rejects(connectSsh(await resolveBoard(files), { confirmUnknownHost: () => Promise.reject(new Error('must not ask')) }), isError('HOST_KEY_UNKNOWN'));
  });

  it('refuses a changed host key with a warning naming host, both fingerprints and the line, and runs nothing', async () => {
    const marker = join(temp.path, 'changed-marker');
    const files = writeClientFiles(freshDir('changed'), board);
    writeFileSync(files.userKnownHosts, `# first line\n${board.host} ${otherKey}\n`);
    const host = await resolveBoard(files);
    let error: unknown;
    try {
      const connection = await connectSsh(host);
      await connection.exec(['touch', marker]);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof DevicesError, String(error));
    assert.equal(error.code, 'HOST_KEY_CHANGED');
    assert.match(error.message, new RegExp(board.host.replaceAll('.', '\\.')));
    assert.ok(error.message.includes(fingerprintOf(otherKey, temp.path)), error.message);
    assert.ok(error.message.includes(fingerprintOf(board.knownHostsLine('ed25519').split(' ').slice(1).join(' '), temp.path)), error.message);
    assert.ok(error.message.includes(`${files.userKnownHosts} line 2`), error.message);
    assert.ok(error.message.includes(`ssh-keygen -R '${board.host}'`));
    assert.equal(existsSync(marker), false);
    // Control: with the right key the same command does create the marker.
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine('ed25519')}\n`);
    const connection = await connectSsh(await resolveBoard(files));
    await connection.execChecked(['touch', marker]);
    connection.close();
    assert.equal(existsSync(marker), true);
  });

  it('connects to a host known only by its RSA key although it also has an ed25519 key', async () => {
    const files = writeClientFiles(freshDir('rsa'), board);
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine('rsa')}\n`);
    const connection = await connectSsh(await resolveBoard(files), { confirmUnknownHost: () => Promise.reject(new Error('must not ask')) });
    const result = await connection.execChecked(['true']);
    connection.close();
    assert.equal(result.exitCode, 0);
  });

  it('accepts a key from the global known_hosts and refuses one revoked there', async () => {
    const files = writeClientFiles(freshDir('global'), board);
    writeFileSync(files.globalKnownHosts, `${board.knownHostsLine('ed25519')}\n`);
    const connection = await connectSsh(await resolveBoard(files));
    connection.close();
    writeFileSync(files.globalKnownHosts, `${board.knownHostsLine('ed25519')}\n@revoked * ${board.knownHostsLine('ed25519').split(' ').slice(1).join(' ')}\n`);
    await assert.rejects(connectSsh(await resolveBoard(files)), (e: unknown) => isError('HOST_KEY_CHANGED')(e) && /revoked/.test((e as Error).message));
  });
});

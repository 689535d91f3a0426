import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { BufferLogger } from '../../../src/core/log';
import { connectSsh, prepareElevation, SshPool, type SshConnection } from '../../../src/core/remote';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { resolveBoard, writeClientFiles, type ClientFiles } from './remote-fixture';

const SUDO_PASSWORD = "pw with 'quotes' $(touch /tmp/nd-sudo-pw)";

function hostileWords(markerDir: string): string[] {
  const m = (n: string): string => join(markerDir, n);
  return [
    `$(touch ${m('dollar')})`,
    `\`touch ${m('backtick')}\``,
    `'; touch ${m('single')}; '`,
    `"; touch ${m('double')}; "`,
    `a b  c`,
    'line1\nline2\n',
    '\ttab',
    '',
    '-n',
    '--',
    '-rf',
    'ünïcødé €😀',
    '*',
    '~',
    '$HOME',
    '\\',
    "'",
    '"',
    'A=b',
    '!!',
    '{a,b}',
    `; touch ${m('semicolon')}`,
    `| touch ${m('pipe')}`,
    `& touch ${m('amp')}`,
    `>${m('redirect')}`,
  ];
}

describe('remote exec, streams, SFTP, pool and sudo against a real sshd', () => {
  const temp = makeTempDir('remote-exec');
  let board: SshDevice;
  let files: ClientFiles;
  let connection: SshConnection;

  before(async () => {
    board = await startSshDevice({
      name: 'exec',
      network: 'loopback',
      passwordAuthentication: true,
      extraUsers: [
        { name: 'alice', password: SUDO_PASSWORD, sudo: 'password' },
        { name: 'bob', password: 'bob', sudo: 'nopasswd', shell: '/bin/bash' },
      ],
    });
    files = writeClientFiles(temp.path, board);
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine()}\n`);
    connection = await connectSsh(await resolveBoard(files));
  });
  after(async () => {
    connection.close();
    await board.stop();
    temp.remove();
  });

  for (const user of ['root', 'alice', 'bob']) {
    it(`round-trips hostile arguments byte for byte and runs none of them (${user}'s shell)`, async () => {
      const markers = join(temp.path, `markers-${user}`);
      mkdirSync(markers);
      const words = hostileWords(markers);
      const c = user === 'root' ? connection : await connectSsh(await resolveBoard(files, 'board', { user }));
      try {
        const result = await c.execChecked(['printf', '%s\\0', ...words]);
        const expected = Buffer.concat(words.map((w) => Buffer.from(`${w}\0`)));
        assert.ok(result.stdoutBytes.equals(expected), JSON.stringify(result.stdout));
        // As the program name too: nothing may run, the shell only fails to find it.
        const asProgram = await c.exec([words[0] ?? '', 'x']);
        assert.equal(asProgram.exitCode, 127);
      } finally {
        if (c !== connection) c.close();
      }
      assert.deepEqual(readdirNames(markers), []);
    });
  }

  it("runs many short commands at once over one connection within sshd's session limit", async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => connection.exec(['sh', '-c', `exit ${String(i % 7)}`])));
    assert.deepEqual(
      results.map((r) => r.exitCode),
      Array.from({ length: 40 }, (_, i) => i % 7),
    );
  });

  it('rejects a NUL byte in an argument before sending anything', async () => {
    await assert.rejects(connection.exec(['echo', 'a\0b']), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT');
  });

  it('feeds stdin, reports the exit code and keeps stdout and stderr apart', async () => {
    const result = await connection.exec(['sh', '-c', 'cat; echo err >&2; exit 3'], { stdin: 'input data' });
    assert.deepEqual([result.exitCode, result.stdout, result.stderr], [3, 'input data', 'err\n']);
    await assert.rejects(connection.execChecked(['sh', '-c', 'echo why >&2; exit 4']), (e: unknown) => e instanceof DevicesError && e.code === 'PROGRAM_FAILED' && /why/.test(e.message));
  });

  it('pipes a stream into a remote process and streams its output back', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const process = await connection.spawn(['cat']);
    const chunks: Buffer[] = [];
    process.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)]).pipe(process.stdin);
    const exit = await process.result;
    assert.equal(exit.exitCode, 0);
    assert.ok(Buffer.concat(chunks).equals(data));
  });

  it('cancels a running command: the channel closes and the remote process is gone', async () => {
    const controller = new AbortController();
    let pid = '';
    const running = connection.exec(['sh', '-c', 'echo $$; exec sleep 1000'], {
      signal: controller.signal,
      onStdout: (chunk) => {
        pid = chunk.toString().trim();
        controller.abort();
      },
    });
    await assert.rejects(running, (e: unknown) => e instanceof DevicesError && e.code === 'CANCELLED');
    assert.match(pid, /^\d+$/);
    // Wait (bounded) on the board for the process to end.
    const gone = await connection.exec(['timeout', '5', 'sh', '-c', `while kill -0 ${pid} 2>/dev/null; do sleep 0.05; done`]);
    assert.equal(gone.exitCode, 0, `process ${pid} still runs`);
  });

  it('reads files, links, stats and folders over SFTP and writes a file atomically', async () => {
    const dir = join(board.dir, 'sftp');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'extlinux.conf'), 'DEFAULT nixos-default\n');
    symlinkSync('system-2-link', join(dir, 'system'));
    const sftp = await connection.sftp();
    assert.equal((await sftp.readFile(join(dir, 'extlinux.conf'))).toString(), 'DEFAULT nixos-default\n');
    assert.equal(await sftp.readlink(join(dir, 'system')), 'system-2-link');
    assert.equal((await sftp.lstat(join(dir, 'system'))).kind, 'symlink');
    assert.deepEqual(
      (await sftp.readdir(dir)).map((e) => [e.name, e.kind]),
      [['extlinux.conf', 'file'], ['sub', 'directory'], ['system', 'symlink']],
    );
    await sftp.writeFileAtomic(join(dir, 'extlinux.conf'), 'DEFAULT new\n');
    assert.equal(readFileSync(join(dir, 'extlinux.conf'), 'utf-8'), 'DEFAULT new\n');
    assert.deepEqual(readdirNames(dir), ['extlinux.conf', 'sub', 'system']);
    await assert.rejects(sftp.readFile(join(dir, 'missing')), (e: unknown) => e instanceof DevicesError && e.code === 'NOT_FOUND');
  });

  it('reuses one pooled connection per device and opens a new one after it closed', async () => {
    const pool = new SshPool({ resolve: { configFile: files.configFile, local: files.local } });
    try {
      const logins = (): number => board.log().split('Accepted publickey').length - 1;
      const before = logins();
      const [a, b] = await Promise.all([pool.connection({ host: 'board' }), pool.connection({ host: 'board' })]);
      const c = await pool.connection({ host: 'board' });
      assert.equal(a, b);
      assert.equal(a, c);
      await Promise.all([a.execChecked(['true']), a.execChecked(['true']), a.execChecked(['true'])]);
      assert.equal(logins() - before, 1);
      a.close();
      const d = await pool.connection({ host: 'board' });
      assert.notEqual(d, a);
      assert.equal((await d.execChecked(['echo', 'again'])).stdout, 'again\n');
    } finally {
      await pool.close();
    }
  });

  it('logs in with a password asked through askSecret, once', async () => {
    const host = await resolveBoard(files, 'board', { user: 'alice' });
    const asked: string[] = [];
    const alice = await connectSsh(
      { ...host, identityFiles: [] },
      {
        askSecret: (request) => {
          asked.push(request.kind);
          return Promise.resolve(SUDO_PASSWORD);
        },
      },
    );
    assert.equal((await alice.execChecked(['id', '-un'])).stdout, 'alice\n');
    alice.close();
    assert.deepEqual(asked, ['password']);
    await assert.rejects(
      connectSsh({ ...host, identityFiles: [] }, { askSecret: () => Promise.resolve('wrong') }),
      (e: unknown) => e instanceof DevicesError && e.code === 'AUTH_FAILED' && e.message.includes('password'),
    );
  });

  it('runs commands as root through sudo with the password on stdin only', async () => {
    const logger = new BufferLogger();
    const alice = await connectSsh(await resolveBoard(files, 'board', { user: 'alice' }), { logger });
    try {
      const asked: string[] = [];
      const root = await prepareElevation(alice, {
        askSecret: (request) => {
          asked.push(request.kind);
          return Promise.resolve(SUDO_PASSWORD);
        },
      });
      assert.equal(root.mode, 'password');
      assert.deepEqual(asked, ['password']);
      assert.equal((await root.exec(['id', '-u'])).stdout, '0\n');
      // The command's own stdin arrives without the password line.
      assert.equal((await root.exec(['cat'], { stdin: 'payload' })).stdout, 'payload');
      assert.ok(logger.lines.every((l) => !l.message.includes('pw with')), 'the password never appears in a logged command line');
      assert.equal(existsSync('/tmp/nd-sudo-pw'), false);
      await assert.rejects(
        prepareElevation(alice, { askSecret: () => Promise.resolve('wrong') }),
        (e: unknown) => e instanceof DevicesError && e.code === 'ELEVATION_FAILED',
      );
    } finally {
      alice.close();
    }
    const bob = await connectSsh(await resolveBoard(files, 'board', { user: 'bob' }));
    try {
      const root = await prepareElevation(bob, { askSecret: () => Promise.reject(new Error('must not ask')) });
      assert.equal(root.mode, 'nopasswd');
      assert.equal((await root.exec(['id', '-u'])).stdout, '0\n');
    } finally {
      bob.close();
    }
  });
});

function readdirNames(dir: string): string[] {
  return readdirSync(dir).sort();
}

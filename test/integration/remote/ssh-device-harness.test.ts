import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import { DevicesError } from '../../../src/core/errors';
import { spawnProcess } from '../../../src/core/exec';
import { connectSsh, resolveHost, type SshConnection } from '../../../src/core/remote';
import { nixTestEnv } from '../../harness/nix';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';

function netnsList(): string {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf-8' });
}

function linkExists(name: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function connectRoot(board: SshDevice, dir: string, extra: { identityAgent?: string; identityFiles?: string[] } = {}): Promise<SshConnection> {
  const knownHosts = join(dir, `kh-${board.name}`);
  writeFileSync(knownHosts, `${board.knownHostsLine()}\n`);
  const host = await resolveHost({ host: board.host, port: board.port, user: 'root', identityFile: board.clientKey }, { configFile: '/dev/null' });
  return connectSsh({
    ...host,
    userKnownHostsFiles: [knownHosts],
    globalKnownHostsFiles: [],
    identityAgent: extra.identityAgent,
    identityFiles: extra.identityFiles ?? host.identityFiles,
  });
}

describe('the ssh-device test harness and its boards', () => {
  const temp = makeTempDir('remote-harness');
  after(() => temp.remove());

  it('starts boards in parallel on distinct subnets and stop() leaves nothing behind', async () => {
    const boards = await Promise.all([0, 1, 2].map((i) => startSshDevice({ name: `par${String(i)}` })));
    const hosts = boards.map((b) => b.host);
    assert.equal(new Set(hosts).size, 3);
    const results = await Promise.all(
      boards.map(async (board) => {
        const connection = await connectRoot(board, temp.path);
        const out = await connection.execChecked(['sh', '-c', 'ip -4 -o addr show | grep -v " lo " | awk "{print \\$4}"; sleep 6017 >/dev/null 2>&1 & echo started']);
        connection.close();
        return out.stdout;
      }),
    );
    results.forEach((out, i) => assert.ok(out.startsWith(`${hosts[i] ?? ''}/30`), out));
    const namespaces = boards.map((b) => b.netns ?? 'missing');
    const interfaces = boards.map((b) => b.hostInterface ?? 'missing');
    for (const name of namespaces) assert.ok(netnsList().split(/\s/).includes(name));
    for (const name of interfaces) assert.ok(linkExists(name));
    const dirs = boards.map((b) => b.dir);
    await Promise.all(boards.map((b) => b.stop()));
    await Promise.all(boards.map((b) => b.stop())); // idempotent
    for (const dir of dirs) assert.equal(existsSync(dir), false);
    // No process of any board survives, not even the background sleep a session started.
    const leftovers = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const cmd = readFileSync(`/proc/${p}/cmdline`, 'latin1');
          return dirs.some((d) => cmd.includes(d)) || cmd === 'sleep\u00006017\u0000';
        } catch {
          return false;
        }
      });
    assert.deepEqual(leftovers, []);
    for (const name of namespaces) assert.ok(!netnsList().split(/\s/).includes(name), `namespace ${name} is left`);
    for (const name of interfaces) assert.ok(!linkExists(name), `veth ${name} is left`);
  });

  it("gives a board its own Nix store that a closure can be imported into over the connection", async () => {
    const env = nixTestEnv();
    const local = join(temp.path, 'payload.txt');
    writeFileSync(local, 'closure payload\n');
    const storePath = execFileSync('nix-store', ['--add', local], { encoding: 'utf-8', env: { ...process.env, ...env } }).trim();
    const board = await startSshDevice({ name: 'nix', withNixStore: true });
    try {
      const connection = await connectRoot(board, temp.path);
      const missing = await connection.execChecked(['nix-store', '--check-validity', '--print-invalid', storePath]);
      assert.equal(missing.stdout.trim(), storePath, 'the fresh board store lacks the path');
      // The importer first, then the exporter piped straight in (as core/deploy does).
      const importer = await connection.spawn(['nix-store', '--import']);
      importer.stdout.resume();
      const exporter = spawnProcess(['nix-store', '--export', storePath], { env, rawStdout: true });
      const stdout = exporter.child.stdout;
      assert.ok(stdout);
      await pipeline(stdout, importer.stdin);
      assert.equal((await importer.result).exitCode, 0);
      assert.equal((await exporter.result).exitCode, 0);
      assert.equal((await connection.execChecked(['cat', storePath])).stdout, 'closure payload\n');
      assert.equal(readFileSync(join(board.nixRoot, storePath.slice('/nix/'.length)), 'utf-8'), 'closure payload\n');
      connection.close();
    } finally {
      await board.stop();
    }
  });

  it('logs in with a key held by ssh-agent, and refuses a security key identity with advice', async () => {
    const board = await startSshDevice({ name: 'agent', network: 'loopback' });
    const socket = join(temp.path, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((resolve, reject) => {
        agent.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('SSH_AUTH_SOCK')) resolve();
        });
        agent.once('exit', () => reject(new Error('ssh-agent exited')));
      });
      execFileSync('ssh-add', ['-q', board.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      const viaAgent = await connectRoot(board, temp.path, { identityAgent: socket, identityFiles: [] });
      viaAgent.close();
      // Stand-in for a FIDO key (none can exist here): a .pub of type sk-ssh-ed25519 beside it.
      const sk = join(temp.path, 'id_ed25519_sk');
      writeFileSync(sk, 'stand-in private key\n');
      writeFileSync(`${sk}.pub`, 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t stand-in\n');
      await assert.rejects(
        connectRoot(board, temp.path, { identityFiles: [sk] }),
        (e: unknown) => e instanceof DevicesError && e.code === 'UNSUPPORTED' && /security key/.test(e.message) && /OpenSSH/.test(e.message),
      );
    } finally {
      agent.kill();
      await board.stop();
    }
  });
});

/**
 * `nixos-devices serial` end to end as a real process with stdin and stdout on pipes, on a socat
 * pty pair: stdin's bytes reach the board's end unchanged, the board's bytes (binary included)
 * reach stdout and the --log file exactly, and the end of stdin quits with status 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir } from '../../harness/temp-dir';
import { startSocatPair, type SocatPair } from './socat-pair';

const ROOT = join(__dirname, '../../..');

describe('CLI serial on a pty pair, with stdin and stdout on pipes', () => {
  const dir = makeTempDir('serial-cli');
  let pair: SocatPair;
  before(async () => {
    pair = await startSocatPair(dir.path);
  });
  after(async () => {
    await pair.stop();
    dir.remove();
  });

  it('relays both ways, logs exactly, and quits at the end of stdin', { timeout: 60_000 }, async () => {
    // main.ts wires `serial` (the lead's file); the runner calls the command as main would.
    const runner = join(dir.path, 'run-serial.ts');
    writeFileSync(runner, `import { serialCommand } from ${JSON.stringify(join(ROOT, 'src/cli/serial'))};
serialCommand(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }, new AbortController().signal).then((code) => { process.exitCode = code; }, (error) => { process.stderr.write(String(error) + '\\n'); process.exitCode = 1; });
`);
    const logPath = join(dir.path, 'cli.log');
    const cli = spawn(process.execPath, ['--import', 'tsx', runner, pair.a, '--baud', '57600', '--log', logPath], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const exit = once(cli, 'exit');
    let stdout = Buffer.alloc(0);
    let stderr = '';
    cli.stdout.on('data', (chunk: Buffer) => (stdout = Buffer.concat([stdout, chunk])));
    let connected: () => void = () => undefined;
    const isConnected = new Promise<void>((resolve) => (connected = resolve));
    cli.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/connected to/.test(stderr)) connected();
    });
    await Promise.race([isConnected, exit.then(() => assert.fail(`the CLI exited early: ${stderr}`))]);
    assert.match(stderr, new RegExp(`connected to ${pair.a} 57600 8N1\\. Quits at the end of stdin\\.`));
    const board = await openFile(pair.b, 'r+');
    try {
      const typed = Buffer.from('printenv bootcmd\n\0\xff', 'latin1');
      cli.stdin.write(typed);
      const got = Buffer.alloc(typed.length);
      let at = 0;
      while (at < typed.length) at += (await board.read(got, at, typed.length - at)).bytesRead;
      assert.deepEqual(got, typed, 'stdin bytes reach the port unchanged (a pipe is not a terminal: no Enter translation)');
      const reply = Buffer.from('bootcmd=run distro_bootcmd\r\n\0\xff\x1b[0m=> ', 'latin1');
      await board.write(reply);
      while (stdout.length < reply.length) await once(cli.stdout, 'data');
      assert.deepEqual(stdout, reply);
      cli.stdin.end();
      const [code] = (await exit) as [number | null];
      assert.equal(code, 0, stderr);
      assert.deepEqual(readFileSync(logPath), reply);
    } finally {
      await board.close();
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
  });
});

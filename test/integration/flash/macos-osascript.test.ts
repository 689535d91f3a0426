/**
 * The macOS elevation command (src/core/flash/macos-elevation.ts) run for real on Linux through a
 * stand-in for osascript: `stand-in-osascript -e 'do shell script "…" with prompt "…" with
 * administrator privileges'` decodes the AppleScript string literal and runs it with /bin/sh, as
 * `do shell script` does (TN2065), ending with status 1 and `execution error: <output> (<status>)`
 * on stderr when the command fails, as osascript does. Without root: the stand-in stands in for
 * the dialog too. The CLI is a stand-in as well (it prints `flash --json` events and stops on
 * SIGINT with status 130, as ours does), so what is checked is our quoting through both layers,
 * the events file, and cancelling through the cancel file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { classifyOsascriptExit, osascriptFlashArgv } from '../../../src/core/flash/macos-elevation';
import { spawnProcess } from '../../../src/core/exec';
import { makeTempDir } from '../../harness/temp-dir';

const STAND_IN_OSASCRIPT = `#!/usr/bin/env node
// Stand-in for /usr/bin/osascript: only 'do shell script "<text>" … with administrator privileges'.
const { spawnSync } = require('node:child_process');
const script = process.argv[3] ?? '';
const m = /^do shell script "((?:[^"\\\\]|\\\\.)*)" with prompt "(?:[^"\\\\]|\\\\.)*" with administrator privileges$/.exec(script);
if (process.argv[2] !== '-e' || !m) { process.stderr.write('stand-in osascript: syntax error\\n'); process.exit(1); }
const command = m[1].replace(/\\\\(.)/g, '$1');
const r = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf-8' });
if (r.status !== 0) { process.stderr.write('0:1: execution error: ' + (r.stdout + r.stderr).trim() + ' (' + String(r.status ?? 1) + ')\\n'); process.exit(1); }
process.stdout.write(r.stdout);
`;

const STAND_IN_CLI = `// Stand-in for dist/cli.js flash --json: echoes its argv, progresses, stops on SIGINT.
const args = process.argv.slice(2);
const out = (e) => process.stdout.write(JSON.stringify(e) + '\\n');
out({ event: 'log', line: JSON.stringify(args) });
out({ event: 'phase', phase: 'writing' });
let done = 0;
const steps = args.includes('--slow') ? 1000 : 5;
process.on('SIGINT', () => { out({ event: 'result', status: 'cancelled', code: 'CANCELLED', message: 'cancelled' }); process.exit(130); });
const timer = setInterval(() => {
  done += 1;
  out({ event: 'progress', done, total: steps, unit: 'bytes' });
  if (done >= steps) { clearInterval(timer); out({ event: 'result', status: 'succeeded' }); }
}, 20);
`;

describe('macOS elevation through a stand-in osascript', () => {
  const tmp = makeTempDir('macos-osascript');
  const dir = join(tmp.path, "it's a \"dir\" with $HOME and \\ back");
  after(() => tmp.remove());

  function setup(): { osascript: string; cli: string } {
    spawnSync('mkdir', ['-p', dir]);
    const osascript = join(tmp.path, 'osascript');
    writeFileSync(osascript, STAND_IN_OSASCRIPT, { mode: 0o755 });
    const cli = join(dir, 'cli.js');
    writeFileSync(cli, STAND_IN_CLI);
    return { osascript, cli };
  }

  function argv(image: string, cli: string, osascript: string, events: string, cancel: string): string[] {
    return osascriptFlashArgv({ osascriptPath: osascript, runtimePath: process.execPath, cliPath: cli, image, target: '/dev/disk4', verify: true, allowNonRemovable: false, eject: true, eventsFile: events, cancelFile: cancel, prompt: 'NixOS Devices wants to write "the card"' });
  }

  it('passes every argument through AppleScript and sh unchanged and writes the events to the file', async () => {
    const { osascript, cli } = setup();
    const image = join(dir, 'nixos "sd" $(touch pwned) `id` image.img.zst');
    const events = join(dir, 'events.jsonl');
    const running = spawnProcess(argv(image, cli, osascript, events, join(dir, 'cancel')));
    const exit = await running.result;
    assert.equal(classifyOsascriptExit(exit.exitCode, exit.stderr).kind, 'ok', exit.stderr);
    const lines = readFileSync(events, 'utf-8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(JSON.parse(String(lines[0]?.['line'])), ['flash', '--yes', '--json', '--unmount', '--eject', image, '/dev/disk4']);
    assert.equal(lines.at(-1)?.['status'], 'succeeded');
    assert.ok(!existsSync(join(process.cwd(), 'pwned')) && !existsSync(join(dir, 'pwned')), 'nothing in the image name ran');
  });

  it('cancels the root command through the cancel file: the CLI gets SIGINT and the failure says 130', async () => {
    const { osascript, cli } = setup();
    const events = join(dir, 'events-cancel.jsonl');
    const cancel = join(dir, 'cancel-now');
    // The stand-in CLI's --slow goes in as its own word (split in the script text), so it runs long.
    const running = spawnProcess(argv('/x/image.img --slow', cli, osascript, events, cancel).map((a) => a.replace("'/x/image.img --slow'", "'/x/image.img' '--slow'")));
    // Wait for the first progress event, then ask to cancel the way the UI does.
    const started = Date.now();
    while (!(existsSync(events) && readFileSync(events, 'utf-8').includes('"progress"'))) {
      assert.ok(Date.now() - started < 10_000, 'the stand-in CLI never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    writeFileSync(cancel, '');
    const exit = await running.result;
    const outcome = classifyOsascriptExit(exit.exitCode, exit.stderr);
    assert.equal(outcome.kind, 'failed', exit.stderr);
    assert.equal(outcome.kind === 'failed' ? outcome.exitStatus : undefined, 130);
    assert.match(readFileSync(events, 'utf-8'), /"status":"cancelled"/);
    assert.ok(Date.now() - started < 10_000, 'cancelled promptly, not after the 1000 steps');
  });

  it('tells a dismissed administrator dialog from a failure', () => {
    assert.deepEqual(classifyOsascriptExit(1, '0:120: execution error: User canceled. (-128)\n'), { kind: 'dismissed' });
    assert.deepEqual(classifyOsascriptExit(1, '0:120: execution error: nixos-devices: /dev/disk4 is read-only (1)\n'), { kind: 'failed', exitStatus: 1, message: 'nixos-devices: /dev/disk4 is read-only' });
  });
});

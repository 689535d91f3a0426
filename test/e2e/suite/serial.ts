/**
 * A serial console in the real VS Code, on a pty with a shell behind it (the test driver starts
 * it and passes its path in NIXOS_DEVICES_E2E_SERIAL_PORT): the console opens as a terminal,
 * what is typed there reaches the "board" and its answer is shown; a baud change reaches the
 * port (read back with stty); closing the terminal releases the port.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { extensionContext } from './activation';

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // The terminal's output has no event an extension can subscribe to (onDidWriteTerminalData is
    // a proposed API): poll the console's transcript.
    await new Promise((r) => setTimeout(r, 100));
  }
}

function speedOf(path: string): string {
  return execFileSync('stty', ['-F', path, 'speed'], { encoding: 'utf-8' }).trim();
}

suite('Serial console', () => {
  test('opens on a pty as a terminal, talks to the shell behind it, changes baud, releases the port', async () => {
    const path = process.env['NIXOS_DEVICES_E2E_SERIAL_PORT'];
    assert.ok(path !== undefined, 'the test driver passes a pty with a shell in NIXOS_DEVICES_E2E_SERIAL_PORT');
    const ctx = await extensionContext();
    // What the Ports view's inline action passes: the port.
    await vscode.commands.executeCommand('nixosDevices.openSerialConsole', { path });
    const console = ctx.serialConsoles.all.find((c) => c.session.endpoint.path === path);
    assert.ok(console, 'a console is open on the port');
    await until('the console to open', () => console.session.state.kind === 'open');
    assert.ok(console.terminal, 'it is an integrated terminal');
    assert.equal(speedOf(path), '115200', 'opened at the default 115200');

    console.terminal.sendText('echo ping-$((6*7))');
    await until('the shell to answer', () => console.pty.transcript.includes('ping-42'));

    await ctx.serialConsoles.setOptions(console, { baudRate: 9600 });
    assert.equal(speedOf(path), '9600', 'the new baud rate is on the port');

    await vscode.commands.executeCommand('nixosDevices.openSerialConsole', { path });
    assert.equal(ctx.serialConsoles.all.filter((c) => c.session.endpoint.path === path).length, 1, 'opening the same port again shows the open console');

    console.terminal.dispose();
    await until('the port to be released', () => console.session.state.kind === 'closed');
    assert.equal(ctx.serialConsoles.all.includes(console), false);
  });
});

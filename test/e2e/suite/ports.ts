/**
 * The Ports view and the humility terminal in the real extension host. The view's rows are the
 * rows core's listing gives (udev's listing or the sysfs fallback, whichever this machine has),
 * compared with core's own listPorts on both of its paths. The terminal runs humility's stand-in
 * (test/fixtures/humility/humility-stand-in.sh, named as one: no ST-Link exists here) through a
 * device's humility settings; its output, exit status and a translated failure are read from the
 * terminal's own record (the terminal-data event is proposed API).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { listPorts, type PortListing } from '../../../src/core/ports';
import type { Ctx } from '../../../src/ui/ctx';
import type { HumilityTerminal } from '../../../src/ui/humility/humility-terminal';
import { portItems, type PortItem } from '../../../src/ui/ports/port-items';
import { extensionContext } from './activation';

// The bundle sits in out/test/e2e.
const STAND_IN = join(__dirname, '../../../test/fixtures/humility/humility-stand-in.sh');
const DEVICE = 'e2e-humility';
const PROBE = '0483:374b:066DFF383032534E43132614';

async function context(): Promise<Ctx> {
  return extensionContext();
}

/** What identifies a listing's rows. `usbOnly`: what both paths see (udev also lists built-in
 * ports such as ttyS0; the sysfs fallback lists USB ports and probes only). */
function attached(listing: PortListing, usbOnly = false): { ports: string[]; probes: string[] } {
  return {
    ports: listing.ports
      .filter((p) => !usbOnly || p.usb !== undefined)
      .map((p) => p.path)
      .sort(),
    probes: listing.probes.map((p) => `${p.usb.id} ${p.usb.busPort ?? ''}`).sort(),
  };
}

async function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${String(ms)} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runHumility(ctx: Ctx, args: string[]): Promise<HumilityTerminal> {
  const before = ctx.humility.last;
  await vscode.commands.executeCommand('nixosDevices.openHumility', { device: DEVICE, where: 'local', args });
  const terminal = ctx.humility.last;
  assert.ok(terminal !== undefined && terminal !== before, 'Open Humility opened a new terminal (a failure before it would be in the log)');
  await within(`humility ${args.join(' ')} to end (output so far: ${JSON.stringify(terminal.output)})`, terminal.exited, 30_000);
  return terminal;
}

suite('Ports view and humility terminal', () => {
  test("lists this machine's ports as core does, with the fallback said in a row", async () => {
    const ctx = await context();
    const all = await ctx.portsTree.getChildren();
    // Ports, probes and messages first; the card drives (removable disks, loop devices when the
    // flash setting allows them) after them.
    // Then the consoles settings name on this machine that the listing lacks (ptys), then drives.
    const configured = all.filter((r): r is PortItem => r.kind !== 'drive' && r.id.startsWith('local:configured:'));
    const rows = all.filter((r): r is PortItem => r.kind !== 'drive' && !r.id.startsWith('local:configured:'));
    assert.deepEqual(all.slice(0, rows.length), rows, 'listed ports come first');
    const settingsConsoles = (vscode.workspace.getConfiguration('nixosDevices').get<{ serial?: { port?: string; onDevice?: boolean } }[]>('devices') ?? []).filter((d) => d.serial?.port !== undefined && d.serial.onDevice !== true);
    // Each names a console from settings (one the listing shows itself gets no second row).
    for (const row of configured) assert.ok(settingsConsoles.some((d) => d.serial?.port === row.copyPath), `${row.copyPath ?? ''} is a console from settings`);
    assert.ok(configured.length > 0, 'the example settings name the simulated board\'s console, a pty no listing shows');
    for (const drive of all.filter((r) => r.kind === 'drive')) assert.match(ctx.portsTree.getTreeItem(drive).contextValue ?? '', /^cardDrive/);
    const listing = await ctx.portsTree.listing();
    assert.deepEqual(rows.map((r) => r.id), portItems(listing).map((r) => r.id), 'the rows are the listing the view holds');
    // Core, called here, on both paths: udev's (when serialport's binding loads in this bundle and
    // udevadm exists) and the fallback. The same path gives the same ports; both see the USB ones.
    const direct = await listPorts();
    const fallback = await listPorts({ list: () => Promise.reject(new Error('spawn udevadm ENOENT')) });
    if ((listing.fallback === undefined) === (direct.fallback === undefined)) assert.deepEqual(attached(listing), attached(direct));
    assert.deepEqual(attached(listing, true), attached(fallback, true));
    const rowsOfFallback = portItems(fallback);
    assert.equal(rowsOfFallback[0]?.label, 'udevadm not found: listed from /dev/serial/by-id and sysfs');
    if (listing.fallback === undefined) {
      assert.ok(rows.every((r) => r.kind !== 'message'), 'no message row when udev listed the ports');
    } else {
      assert.equal(rows[0]?.kind, 'message');
      assert.match(rows[0]?.label ?? '', /listed from \/dev\/serial\/by-id and sysfs$/);
    }
    for (const row of rows) {
      const item = ctx.portsTree.getTreeItem(row);
      assert.equal(item.contextValue, row.contextValue);
      assert.equal(item.description, row.description);
    }
    await vscode.commands.executeCommand('nixosDevices.refreshPorts');
    assert.deepEqual(attached(await ctx.portsTree.listing()), attached(listing), 'the same after Refresh');
    assert.deepEqual((await ctx.portsTree.getChildren()).filter((r): r is PortItem => r.kind !== 'drive' && !r.id.startsWith('local:configured:')).map((r) => r.id), rows.map((r) => r.id));
  });

  test("runs humility (its stand-in) from a device's settings, showing its output, exit status and a translated failure", async () => {
    const ctx = await context();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    const configuration = vscode.workspace.getConfiguration('nixosDevices', folder.uri);
    const saved = configuration.inspect<unknown[]>('devices')?.workspaceValue;
    const devices = [...(saved ?? []), { name: DEVICE, host: '127.0.0.1', humility: { command: STAND_IN, probe: PROBE } }];
    await configuration.update('devices', devices, vscode.ConfigurationTarget.Workspace);
    try {
      for (let i = 0; i < 50 && !ctx.config.settings.devices.some((d) => d.name === DEVICE); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(ctx.config.settings.devices.some((d) => d.name === DEVICE && d.humility?.command === STAND_IN), 'the device setting is read');

      const ok = await runHumility(ctx, ['probe']);
      const exit = await ok.exited;
      assert.equal(exit.exitCode, 0, ok.output);
      assert.equal(exit.error, undefined);
      assert.ok(ok.output.includes(`HUMILITY_PROBE=${PROBE} ${STAND_IN} probe`), `banner names what runs: ${ok.output}`);
      assert.ok(ok.output.includes('humility: probe serial => 066DFF383032534E43132614\r\n'), `stand-in output with CRLF: ${ok.output}`);
      assert.ok(!/[^\r]\n/.test(ok.output), 'every line break is CRLF');
      assert.match(ok.output, /\[humility exited with status 0; press any key to close\]/);

      // The stand-in reads its failure switch from the environment it inherits from this host.
      process.env['HUMILITY_STAND_IN_FAIL'] = 'busy';
      let failed: HumilityTerminal;
      try {
        failed = await runHumility(ctx, ['probe']);
      } finally {
        delete process.env['HUMILITY_STAND_IN_FAIL'];
      }
      const failure = await failed.exited;
      assert.equal(failure.exitCode, 1);
      assert.equal(failure.error?.code, 'PORT_IN_USE', failed.output);
      assert.ok(failed.output.includes('humility probe failed: USB link in use'), `humility's own message: ${failed.output}`);
      assert.ok(failed.output.includes('is in use by'), `the translated message: ${failed.output}`);
      assert.match(failed.output, /\[humility exited with status 1;/);
    } finally {
      await configuration.update('devices', saved, vscode.ConfigurationTarget.Workspace);
      for (const terminal of vscode.window.terminals) if (terminal.name.startsWith('Humility:')) terminal.dispose();
    }
  });
});

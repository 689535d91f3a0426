/**
 * The extension inside a real VS Code (code-server 4.139.1 = VS Code 1.139.1, see
 * test/harness/code-server.ts): VS Code's own extension-test mechanism runs the mocha suites of
 * test/e2e/suite/ in the real extension host, then Playwright opens the workbench and the
 * NixOS Devices sidebar and saves a screenshot to test-results/e2e/sidebar.png.
 * Needs `npm run build` first (scripts/test.sh does it); installs code-server when absent.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type CodeServer,
  type CodeServerInstall,
  chromiumAvailable,
  CHROMIUM_PATH,
  ensureCodeServer,
  openWorkbench,
  runExtensionTests,
  startCodeServer,
} from '../harness/code-server';
import { copyBuildFlake } from '../harness/build-flakes';
import { nixTestEnv } from '../harness/nix';
import { startSerialShell, type SerialShell } from '../harness/serial-shell';
import { isAlive, processTree } from '../harness/process-tree';
import { makeTempDir } from '../harness/temp-dir';

const ROOT = join(__dirname, '..', '..');
const TESTS_BUNDLE = join(ROOT, 'out', 'test', 'e2e', 'index.js');
const RESULTS = join(ROOT, 'test-results', 'e2e');

/** The workspace: a copy of examples/, the flake the README's start command opens. */
const EXAMPLES = join(ROOT, 'examples');

/** True in the page once every pane of the sidebar shows visible tree rows or welcome content. */
const VIEWS_SHOW_CONTENT = `(() => {
  const panes = [...document.querySelectorAll('.part.sidebar .pane')];
  const shows = (pane) =>
    [...pane.querySelectorAll('.pane-body .monaco-list-row, .pane-body .welcome-view-content')].some((e) => e.checkVisibility()) &&
    !/no data provider/i.test(pane.textContent ?? '');
  return panes.length > 0 && panes.every(shows);
})()`;
/** The extension host's own log and the extension's output channel. */
const EXTENSION_LOGS = /exthost\d*\/(exthost\.log|nixos-devices)/;

function checkPrerequisites(): void {
  for (const built of [join(ROOT, 'dist', 'extension.js'), TESTS_BUNDLE]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (scripts/test.sh does)`);
  }
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-system-deps.sh`);
  if (!existsSync(join(EXAMPLES, 'flake.nix'))) throw new Error(`${EXAMPLES}/flake.nix is missing`);
}

describe('NixOS Devices in a real VS Code (code-server)', { timeout: 20 * 60_000 }, () => {
  const workspace = makeTempDir('e2e-workspace');
  let install: CodeServerInstall;
  let server: CodeServer | undefined;
  let serialShell: SerialShell | undefined;

  before(async () => {
    checkPrerequisites();
    install = ensureCodeServer();
    cpSync(EXAMPLES, workspace.path, { recursive: true });
    // A fresh 24-derivation chain outside the workspace, for the live Build view test.
    mkdirSync(workspace.path + '-builds', { recursive: true });
    const chain = copyBuildFlake('chain', workspace.path + '-builds');
    // A shell behind a pty, for the serial console suite.
    serialShell = await startSerialShell(workspace.path + '-builds');
    // A device whose console is that pty: the Ports view lists consoles named in settings.
    const settingsFile = join(workspace.path, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf-8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
    const devices = Array.isArray(settings['nixosDevices.devices']) ? (settings['nixosDevices.devices'] as unknown[]) : [];
    settings['nixosDevices.devices'] = [...devices, { name: 'console-e2e', host: '127.0.0.1', serial: { port: serialShell.path } }];
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    // The DOM renderer: the terminal's text is then in the page, where the test reads it.
    server = await startCodeServer({ install, workspace: workspace.path, settings: { 'terminal.integrated.gpuAcceleration': 'off' }, env: { ...nixTestEnv(), NIXOS_DEVICES_E2E_CHAIN_FLAKE: chain, NIXOS_DEVICES_E2E_SERIAL_PORT: serialShell.path } });
  });

  after(async () => {
    await server?.stop();
    await serialShell?.stop();
    workspace.remove();
    rmSync(workspace.path + '-builds', { recursive: true, force: true });
  });

  it('passes the mocha suites of test/e2e/suite/ inside the real extension host', { timeout: 10 * 60_000 }, async () => {
    assert.ok(server);
    const code = await runExtensionTests(server, {
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: TESTS_BUNDLE,
      onLog: (line) => process.stdout.write(`  [vscode] ${line}\n`),
    });
    assert.equal(code, 0, 'the in-VS-Code mocha run reported failures (see the [vscode] lines above)');
  });

  it('shows the NixOS Devices sidebar when its activity-bar item is clicked', { timeout: 5 * 60_000 }, async () => {
    assert.ok(server);
    const ui = await openWorkbench(server, { extensionDevelopmentPath: ROOT });
    try {
      const item = ui.page.locator('.activitybar .action-item [aria-label^="NixOS Devices"]').first();
      await item.waitFor({ timeout: 120_000 });
      await item.click();
      const sidebar = ui.page.locator('.part.sidebar');
      await sidebar.locator('.composite.title h2', { hasText: /NixOS Devices/i }).waitFor({ timeout: 60_000 });
      // Each view shows what the extension gave it, tree rows or its welcome content, once the
      // extension has activated (until then VS Code says "no data provider") and, for the Flake
      // view, once nix has evaluated the flake: a view left empty or loading fails the test.
      const panes = sidebar.locator('.pane');
      // A string, not a function: tsx's transform would wrap a function in helpers the page lacks.
      await ui.page.waitForFunction(VIEWS_SHOW_CONTENT, undefined, { timeout: 120_000 }).catch((error: unknown) => {
        throw new Error(`the NixOS Devices views never showed content:\n${server?.readLogs(EXTENSION_LOGS).slice(-4000) ?? ''}`, { cause: error });
      });
      const titles = await panes.locator('.pane-header h3.title').allTextContents();
      assert.ok(titles.some((t) => /flake/i.test(t)), `no Flake view in the sidebar: ${titles.join(', ')}`);
      // No hover tooltip over the views in the picture: move away and let it fade.
      await ui.page.mouse.move(800, 400);
      await ui.page.keyboard.press('Escape');
      await ui.page.locator('.workbench-hover, .monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      mkdirSync(RESULTS, { recursive: true });
      await ui.screenshot(join(RESULTS, 'sidebar.png'));
    } finally {
      await ui.close();
    }
  });

  it('builds the SD image from the Flake view\'s inline Build action and offers Flash…, Reveal and Copy Path', { timeout: 5 * 60_000 }, async () => {
    assert.ok(server);
    const ui = await openWorkbench(server, { extensionDevelopmentPath: ROOT });
    try {
      await ui.page.locator('.activitybar .action-item [aria-label^="NixOS Devices"]').first().click();
      const sidebar = ui.page.locator('.part.sidebar');
      // The image row is the one whose description names the .img file.
      const imageRow = sidebar.locator('.monaco-list-row', { hasText: 'nixos-sd-image-' }).first();
      await imageRow.waitFor({ timeout: 120_000 });
      await imageRow.hover();
      await imageRow.locator('.actions .action-label[aria-label^="Build"]').first().click();
      // The result notification: a toast, or, once VS Code has tucked it away, in the
      // notification centre (the status bar's bell opens it).
      const toastOrItem = ui.page.locator('.notification-list-item', { hasText: /Built .*images\.vulpix/ }).first();
      await ui.page.locator('.tabs-container .tab', { hasText: 'images.vulpix' }).first().waitFor({ timeout: 180_000 });
      const visible = await toastOrItem.waitFor({ timeout: 20_000 }).then(() => true, () => false);
      if (!visible) await ui.page.locator('[id="status.notifications"]').first().click();
      await toastOrItem.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
        mkdirSync(RESULTS, { recursive: true });
        await ui.screenshot(join(RESULTS, 'build-result-failure.png'));
        throw error;
      });
      const toast = toastOrItem;
      const buttons = await toast.locator('.monaco-button').allTextContents();
      for (const label of ['Flash…', 'Reveal', 'Copy Path']) assert.ok(buttons.some((b) => b.includes(label)), `the notification offers ${label}: ${buttons.join(', ')}`);
      const tabs = await ui.page.locator('.tabs-container .tab').allTextContents();
      assert.ok(tabs.some((t) => t.includes('images.vulpix')), `the Build view is open: ${tabs.join(', ')}`);
      mkdirSync(RESULTS, { recursive: true });
      await ui.screenshot(join(RESULTS, 'build-result.png'));
    } finally {
      await ui.close();
    }
  });

  it('opens a serial console from the Ports view, shows the board\'s reply, and changes the baud from the status bar', { timeout: 5 * 60_000 }, async () => {
    assert.ok(server && serialShell);
    const port = serialShell.path;
    const ui = await openWorkbench(server, { extensionDevelopmentPath: ROOT });
    try {
      await ui.page.locator('.activitybar .action-item [aria-label^="NixOS Devices"]').first().click();
      const row = ui.page.locator('.part.sidebar .monaco-list-row', { hasText: 'ttyCON' }).first();
      await row.waitFor({ timeout: 120_000 });
      await row.hover();
      await row.locator('.actions .action-label[aria-label^="Open Serial Console"]').first().click();
      const terminal = ui.page.locator('.terminal-wrapper').first();
      await terminal.waitFor({ timeout: 60_000 });
      await ui.page.locator('.statusbar-item', { hasText: 'ttyCON 115200 8N1' }).first().waitFor({ timeout: 60_000 });
      await terminal.click();
      await ui.page.keyboard.type('echo pong-$((6*7))');
      await ui.page.keyboard.press('Enter');
      await terminal.locator('.xterm-rows', { hasText: 'pong-42' }).first().waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
        mkdirSync(RESULTS, { recursive: true });
        await ui.screenshot(join(RESULTS, 'serial-console-failure.png'));
        throw error;
      });

      await ui.page.locator('.statusbar-item', { hasText: 'ttyCON 115200 8N1' }).first().click();
      const quickPick = ui.page.locator('.quick-input-widget');
      await quickPick.locator('.monaco-list-row', { hasText: 'Baud rate' }).first().click();
      await quickPick.locator('.monaco-list-row', { hasText: /^9600/ }).first().click();
      await ui.page.locator('.statusbar-item', { hasText: 'ttyCON 9600 8N1' }).first().waitFor({ timeout: 30_000 });
      assert.equal(execFileSync('stty', ['-F', port, 'speed'], { encoding: 'utf-8' }).trim(), '9600', 'the port itself runs at the new baud rate');
      mkdirSync(RESULTS, { recursive: true });
      await ui.screenshot(join(RESULTS, 'serial-console.png'));
    } finally {
      await ui.close();
    }
  });

  it('stops code-server and every process it started', { timeout: 60_000 }, async () => {
    assert.ok(server);
    const tree = processTree(server.pid);
    assert.ok(tree.length > 1, 'code-server runs no child processes: the check would prove nothing');
    await server.stop();
    assert.deepEqual(tree.filter(isAlive).map((p) => p.pid), []);
  });
});

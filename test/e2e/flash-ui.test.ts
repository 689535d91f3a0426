/**
 * Flashing from the palette in a real VS Code (code-server, driven by Playwright through
 * test/harness/code-server.ts), the way a person does it: F1 → "NixOS Devices: Flash Image to SD
 * Card…" → the image typed into VS Code's file dialog → the loop device chosen in the drive quick
 * pick → "Erase and Flash" clicked in the modal confirmation → the result notification, whose
 * SHA-256 of the bytes written must equal the decompressed image's, and the loop device must hold
 * the image byte for byte (cmp). No test-only bypass: the real confirmation is clicked.
 *
 * The card is a loop device made here (`losetup -f --show` over a temp file), detached in `after`
 * even when a step fails. Loop devices are not removable, so this server's user settings turn on
 * `nixosDevices.flash.allowNonRemovable` (the server and its settings are removed afterwards).
 * The extension host runs as root here (CI), so the device is writable and no elevation is asked.
 * Needs `npm run build` first; saves test-results/e2e/flash-result.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromiumAvailable, CHROMIUM_PATH, ensureCodeServer, openWorkbench, startCodeServer, type CodeServer } from '../harness/code-server';
import { makeTempDir } from '../harness/temp-dir';
import { attachLoop, buildImages, type TestImages } from '../integration/flash/images';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'test-results', 'e2e');
const EXTENSION_LOGS = /exthost\d*\/(exthost\.log|nixos-devices)/;

describe('flash-ui: Flash from the palette in a real VS Code', { timeout: 10 * 60_000 }, () => {
  const workspace = makeTempDir('e2e-flash-workspace');
  const cards = makeTempDir('e2e-flash-card');
  let images: TestImages;
  let zst = '';
  let loop: ReturnType<typeof attachLoop> | undefined;
  let server: CodeServer | undefined;

  before(async () => {
    if (!existsSync(join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
    if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-system-deps.sh`);
    // Built beside the card; only the .img.zst goes into the workspace, so the file dialog's
    // completion has one match for the typed path.
    images = buildImages(join(cards.path, 'images'), { sizeMib: 16, randomMib: 2, name: 'e2e-card' });
    zst = join(workspace.path, 'e2e-card.img.zst');
    copyFileSync(images.zst, zst);
    loop = attachLoop(join(cards.path, 'card.bin'), 24);
    server = await startCodeServer({
      install: ensureCodeServer(),
      workspace: workspace.path,
      // A machine-scoped setting: in code-server (a remote window) VS Code reads it from the
      // remote machine's settings, not the user's, so it goes there.
      prepare: ({ userDataDir }) => {
        mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
        writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'nixosDevices.flash.allowNonRemovable': true }));
      },
    });
  });

  after(async () => {
    // Each step on its own: a failed stop must not leave the loop device attached.
    await server?.stop().catch(() => undefined);
    loop?.detach();
    cards.remove();
    workspace.remove();
  });

  it('writes the image to a loop device through the confirmation and shows the SHA-256', { timeout: 8 * 60_000 }, async () => {
    assert.ok(server && loop);
    const device = loop.path;
    const ui = await openWorkbench(server, { extensionDevelopmentPath: ROOT });
    const page = ui.page;
    const shoot = async (name: string): Promise<void> => {
      mkdirSync(RESULTS, { recursive: true });
      await ui.screenshot(join(RESULTS, name)).catch(() => undefined);
    };
    try {
      // The palette: F1, the command's title, Enter. The palette lists the commands known when
      // it opens, so wait for the extension's activity-bar item (its contributions are in), and
      // open it again if the command is not listed yet.
      await page.locator('.activitybar .action-item [aria-label^="NixOS Devices"]').first().waitFor({ timeout: 120_000 });
      const input = page.locator('.quick-input-widget .quick-input-box input').first();
      const command = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Flash Image to SD Card' }).first();
      let listed = false;
      for (let attempt = 0; attempt < 6 && !listed; attempt += 1) {
        await page.keyboard.press('Escape');
        await page.locator('.monaco-workbench .part.editor').first().click();
        await page.keyboard.press('F1');
        await input.waitFor({ timeout: 30_000 });
        await input.fill('>NixOS Devices: Flash Image to SD Card');
        listed = await command.waitFor({ timeout: 10_000 }).then(() => true, () => false);
      }
      assert.ok(listed, 'the palette never listed "NixOS Devices: Flash Image to SD Card…"');
      await page.keyboard.press('Enter');

      // VS Code's own file dialog (a quick input holding a path): type the image's path.
      const dialog = page.locator('.quick-input-widget', { hasText: 'Flash: choose the image' }).first();
      await dialog.waitFor({ timeout: 60_000 });
      await input.fill(zst);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'e2e-card.img.zst' }).first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');

      // The drive quick pick: the loop device's row (allowed, since the setting is on).
      await page.locator('.quick-input-widget', { hasText: 'Flash: choose the card' }).first().waitFor({ timeout: 60_000 });
      const driveRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: device }).first();
      await driveRow.waitFor({ timeout: 30_000 });
      await driveRow.click();

      // The real modal confirmation names the device; click its confirm button.
      const modal = page.locator('.monaco-dialog-box').first();
      await modal.waitFor({ timeout: 30_000 });
      const modalText = await modal.innerText();
      assert.match(modalText, new RegExp(`Everything on ${device} will be erased`), modalText);
      await modal.locator('.monaco-button', { hasText: 'Erase and Flash' }).first().click();

      // The result: a toast, or in the notification centre once VS Code has tucked it away (the
      // status bar's bell opens it) after the progress notification is gone.
      const result = page.locator('.notification-list-item', { hasText: /Flashed e2e-card\.img\.zst/ }).first();
      const flashing = page.locator('.notification-list-item', { hasText: /Flashing/ });
      const deadline = Date.now() + 180_000;
      let quietSince: number | undefined;
      let centreOpened = false;
      while (!(await result.isVisible())) {
        if (Date.now() > deadline) {
          await shoot('flash-result-failure.png');
          throw new Error(`no flash result notification:\n${server.readLogs(EXTENSION_LOGS).slice(-4000)}`);
        }
        if ((await flashing.count()) > 0) quietSince = undefined;
        else quietSince ??= Date.now();
        if (!centreOpened && quietSince !== undefined && Date.now() - quietSince > 5_000) {
          await page.locator('[id="status.notifications"]').first().click();
          centreOpened = true;
        }
        // Polling the page: the toast and the centre are two places with no event for "either".
        await page.waitForTimeout(500);
      }
      const message = await result.locator('.notification-list-item-message').innerText();
      const written = /of the bytes written: ([0-9a-f]{64})/.exec(message)?.[1];
      assert.equal(written, images.sha256, `the notification's SHA-256 of the bytes written: ${message}`);
      assert.match(message, /, verified/, message);
      await shoot('flash-result.png');

      // The loop device holds the image byte for byte (cmp exits non-zero on the first difference).
      execFileSync('cmp', ['-n', String(images.size), images.raw, device]);
    } catch (error) {
      await shoot('flash-result-failure.png');
      throw error;
    } finally {
      await ui.close();
    }
  });
});

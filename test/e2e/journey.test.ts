/**
 * The whole journey of issue #8 in the real VS Code (code-server, driven by Playwright through
 * the UI only): build the example's SD image from the Flake view → flash it to the simulated
 * board's card from the build notification's "Flash…" (drive quick pick, modal confirmation) →
 * open the board's serial console from the Devices view and, after a power-cycle, choose the
 * default in u-boot's halted menu from the "Boot vulpix" quick pick → deploy a changed system from
 * the palette (Deploy clicked in the closure-diff webview) → see generation 2 in the Devices
 * view and the boot menu → power-cycle and boot generation 1 from the console's quick pick →
 * roll back from the Devices view's context menu.
 *
 * Every step is checked on the board's REAL state, read outside VS Code: the card's bytes and its
 * extlinux.conf (debugfs on the card file), the profile links and /run/booted-system over SSH,
 * and what u-boot printed (the board's console.log). A screenshot per step goes to
 * test-results/e2e/journey/NN-step.png; a passing run copies three to docs/screenshots/.
 *
 * The board is scripts/sim-board/board.sh with its own state folder and --index, started with an
 * empty card and stopped in `after`, which also checks nothing of it is left. Needs
 * `npm run build` first, nix, qemu-system-arm, u-boot-qemu and Chromium.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, ensureCodeServer, openWorkbench, startCodeServer, type CodeServer, type Workbench } from '../harness/code-server';
import { nixAvailable, nixTestEnv } from '../harness/nix';
import { makeTempDir } from '../harness/temp-dir';
import { BOARD_SH, board, leftovers, readBoardInfo, readFromCard, waitFor, type BoardInfo } from '../integration/sim-board/sim-board-fixture';
import { copyExampleWorkspace, parseExtlinuxEntries, readBoardSystem, screenshotter, setExampleGeneration } from '../harness/journey/sim-board-journey';
import {
  answerModal,
  clearNotifications,
  recordTerminalLines,
  clickInlineAction,
  clickNotificationButton,
  contextMenu,
  expandRow,
  notificationText,
  openSidebar,
  pickRow,
  quickPickRows,
  runCommand,
  treeRow,
  viewPane,
  waitForNotification,
  waitForQuickPick,
  webviewContent,
} from '../harness/journey/workbench-ui';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'test-results', 'e2e', 'journey');
const DOCS_SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const EXTENSION_LOGS = /exthost\d*\/(exthost\.log|nixos-devices)/;
const EXTLINUX = '/boot/extlinux/extlinux.conf';
/** Neither the start command's board (0) nor the sim-board integration test's (200…249). */
const INDEX = 150 + (process.pid % 40);

const available = nixAvailable() && existsSync('/usr/bin/qemu-system-arm') && existsSync('/usr/lib/u-boot/qemu_arm/u-boot.bin');
const execFileAsync = promisify(execFile);

/** A board.sh command that may take seconds (power-cycle): the event loop keeps running. */
async function boardAsync(command: string, state: string): Promise<string> {
  const { stdout } = await execFileAsync('bash', [BOARD_SH, command, '--state', state], { encoding: 'utf-8' });
  return stdout;
}

/** What u-boot printed since `offset` bytes of the console log. */
function consoleSince(info: BoardInfo, offset: number): string {
  return readFileSync(info.consoleLog, 'latin1').slice(offset);
}
function consoleSize(info: BoardInfo): number {
  return readFileSync(info.consoleLog, 'latin1').length;
}

/** The first entry u-boot started after its last banner: the system its `append: init=` names. */
function firstBootedSystem(text: string): string | undefined {
  const at = text.lastIndexOf('U-Boot 20');
  return /append: init=(\/nix\/store\/[^/\s]+)\/init/.exec(at === -1 ? text : text.slice(at))?.[1];
}

describe('journey: build → flash → boot → deploy → boot menu → boot the older → roll back, in a real VS Code', { skip: !available && 'needs nix, qemu-system-arm and u-boot-qemu', timeout: 14 * 60_000 }, () => {
  const tmp = makeTempDir('e2e-journey');
  // board.sh wants a path of plain characters; the temp dir's is.
  const state = join(tmp.path, 'board');
  const workspace = join(tmp.path, 'workspace');
  let server: CodeServer | undefined;
  let ui: Workbench | undefined;
  let info: BoardInfo;
  const shoot = screenshotter(RESULTS);

  before(async () => {
    if (!existsSync(join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
    if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-system-deps.sh`);
    rmSync(RESULTS, { recursive: true, force: true });
    copyExampleWorkspace(workspace, state, INDEX);
    // The board with an EMPTY card, as before a first flash: u-boot finds nothing to boot.
    board('start', state, ['--index', String(INDEX), '--detach']);
    info = readBoardInfo(state);
    assert.equal(info.systemRunning, false, 'an empty card runs no system');
    server = await startCodeServer({
      install: ensureCodeServer(),
      workspace,
      env: nixTestEnv(),
      // The terminal's DOM renderer, so its text is in the page; no trust prompts.
      settings: { 'terminal.integrated.gpuAcceleration': 'off', 'workbench.panel.defaultLocation': 'bottom' },
      // A machine-scoped setting: in code-server VS Code reads it from the remote machine's
      // settings, not the workspace's, so the workspace's value is repeated there.
      prepare: ({ userDataDir }) => {
        mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
        writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'nixosDevices.flash.allowNonRemovable': true }));
      },
    });
  });

  after(async () => {
    // Each on its own: a failed step must not keep the board running.
    await ui?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    if (existsSync(join(state, 'run'))) {
      try {
        board('stop', state);
      } catch (error) {
        process.stderr.write(`board.sh stop failed: ${String(error)}\n`);
      }
    }
    const left = leftovers(state, INDEX);
    tmp.remove();
    assert.deepEqual(left, [], 'the board left something behind');
  });

  it('drives every step through the UI and checks the board after each', { timeout: 12 * 60_000 }, async () => {
    assert.ok(server);
    ui = await openWorkbench(server, { extensionDevelopmentPath: ROOT });
    const page: Page = ui.page;
    let step = 'opening the workbench';
    try {
      // ---- 1. Build the SD image from the Flake view's inline Build action.
      step = 'build';
      await openSidebar(page);
      const flakePane = await viewPane(page, /flake/i);
      const imageRow = treeRow(flakePane, 'nixos-sd-image-');
      await imageRow.waitFor({ timeout: 120_000 });
      await clickInlineAction(imageRow, 'Build');
      const builtNote = await waitForNotification(page, /Built .*images\.vulpix/, { timeoutMs: 240_000, busy: /Building|Evaluating/ });
      await shoot(page, '01-build');
      // Real: the image the flake builds exists, as nix itself says.
      const built = JSON.parse(execFileSync('nix', ['build', '--no-link', '--json', `path:${workspace}#images.vulpix`], { encoding: 'utf-8', env: { ...process.env, ...nixTestEnv() } })) as { outputs: { out: string } }[];
      const out = built[0]?.outputs.out ?? '';
      const imageFile = join(out, 'sd-image', execFileSync('ls', [join(out, 'sd-image')], { encoding: 'utf-8' }).trim().split('\n')[0] ?? '');
      assert.ok(imageFile.endsWith('.img.zst') && existsSync(imageFile), imageFile);

      // ---- 2. Flash it to the board's card: unmount first (as the walkthrough says), then the
      // notification's Flash…, the card in the drive pick, the modal confirmation.
      step = 'flash';
      board('unmount-card', state);
      await clickNotificationButton(builtNote, 'Flash…');
      const drives = await waitForQuickPick(page, 'Flash: choose the card', 60_000);
      await pickRow(drives, info.cardDevice);
      const confirmText = await answerModal(page, new RegExp(`Everything on ${info.cardDevice} will be erased`), 'Erase and Flash');
      assert.match(confirmText, /nixos-sd-image-/, confirmText);
      const flashed = await waitForNotification(page, /Flashed nixos-sd-image-/, { timeoutMs: 180_000, busy: /Flashing/ });
      const flashedText = await notificationText(flashed);
      await shoot(page, '02-flash');
      assert.match(flashedText, /, verified/, flashedText);
      // Real: the card holds the image byte for byte, and its NIXOS_SD has the boot menu.
      const rawImage = join(tmp.path, 'image.raw');
      execFileSync('zstd', ['-dqf', imageFile, '-o', rawImage]);
      const imageSize = Number(execFileSync('stat', ['-c', '%s', rawImage], { encoding: 'utf-8' }).trim());
      execFileSync('cmp', ['-n', String(imageSize), rawImage, info.card]);
      const rawSha = execFileSync('sha256sum', [rawImage], { encoding: 'utf-8' }).split(' ')[0];
      assert.equal(/of the bytes written: ([0-9a-f]{64})/.exec(flashedText)?.[1], rawSha, flashedText);
      rmSync(rawImage);
      const cardMenu = parseExtlinuxEntries(readFromCard(info.card, EXTLINUX));
      assert.equal(cardMenu.entries.length, 1, 'a fresh image has one generation');
      const gen1System = cardMenu.entries[0]?.system ?? '';
      assert.match(gen1System, /nixos-system-vulpix-23\.05\.1$/);

      // ---- 3. The serial console (from the palette, the device in its pick), a power-cycle,
      // and the default chosen in the "Boot vulpix" pick over u-boot's halted menu.
      step = 'serial console and first boot';
      const devicesPane = await viewPane(page, /devices/i);
      const deviceRow = treeRow(devicesPane, /^vulpix/);
      await deviceRow.waitFor({ timeout: 60_000 });
      await runCommand(page, 'NixOS Devices: Open Serial Console');
      await pickRow(await waitForQuickPick(page, 'Open Serial Console'), /vulpix/);
      await page.locator('.terminal-wrapper.active').first().waitFor({ timeout: 30_000 });
      // The status bar names the port and line settings of the active console.
      await page.locator('.statusbar-item', { hasText: /ttyBOARD/ }).first().waitFor({ timeout: 30_000 });
      await clearNotifications(page);
      let offset = consoleSize(info);
      let terminal = await recordTerminalLines(page);
      await boardAsync('power-cycle', state);
      const bootPick = await waitForQuickPick(page, /Boot vulpix/, 60_000);
      const firstRows = await quickPickRows(bootPick);
      assert.ok(firstRows.some((r) => /1: NixOS - Default.*the default/.test(r)), firstRows.join('\n'));
      await shoot(page, '03-uboot-menu');
      await pickRow(bootPick, /NixOS - Default/);
      // Real: u-boot started the default entry (generation 1), and the board runs it.
      const firstBoot = await waitFor('u-boot booting the default entry', () => consoleSince(info, offset), (t) => firstBootedSystem(t) !== undefined);
      assert.equal(firstBootedSystem(firstBoot), gen1System, firstBoot.slice(-1500));
      info = readBoardInfo(state);
      assert.equal(info.systemRunning, true);
      await waitFor('booted-system is generation 1', () => readBoardSystem(info).bootedSystem, (s) => s === gen1System);
      const afterFlash = readBoardSystem(info);
      assert.deepEqual(Object.keys(afterFlash.generations), ['system-1-link']);
      assert.equal(afterFlash.profileTarget, gen1System);
      // The terminal showed u-boot's menu (it stays on screen while the pick waits). What the
      // helper typed is on the board's side: the entry u-boot started, checked above.
      assert.match(await terminal.lines(), /1:\s+NixOS - Default/);
      await shoot(page, '04-booted');

      // ---- 4. Deploy a change: generation "2" in the workspace's flake, the device's inline
      // Deploy action in the Devices view, Deploy clicked in the closure-diff webview.
      step = 'deploy';
      setExampleGeneration(workspace, '2');
      await clickInlineAction(deviceRow, 'Deploy');
      const diff = webviewContent(page);
      await diff.locator('#deploy').waitFor({ timeout: 180_000 });
      // Earlier steps' notifications out of the picture (it goes into the README).
      await clearNotifications(page);
      await shoot(page, '05-deploy-diff');
      await diff.locator('#deploy').click();
      const deployed = await waitForNotification(page, /Deployed vulpix/, { timeoutMs: 180_000, busy: /Deploying|Building|Copying|Activating/ });
      const deployedText = await notificationText(deployed);
      await shoot(page, '06-deployed');
      // Real: generation 2 is the profile and the boot menu's default, generation 1 is kept.
      const afterDeploy = readBoardSystem(info);
      assert.deepEqual(Object.keys(afterDeploy.generations).sort(), ['system-1-link', 'system-2-link'], deployedText);
      assert.equal(afterDeploy.profile, 'system-2-link');
      const gen2System = afterDeploy.profileTarget;
      assert.match(gen2System, /nixos-system-vulpix-23\.05\.2$/);
      const deployedMenu = parseExtlinuxEntries(afterDeploy.extlinux);
      assert.equal(deployedMenu.entries.find((e) => e.label === deployedMenu.defaultLabel)?.system, gen2System);
      const gen1Entry = deployedMenu.entries.find((e) => /Configuration 1\b/.test(e.menuLabel));
      assert.equal(gen1Entry?.system, gen1System, afterDeploy.extlinux);

      // ---- 5. The Devices view shows both generations and the new boot menu.
      step = 'devices view';
      await expandRow(deviceRow);
      await treeRow(devicesPane, 'Generation 2').waitFor({ timeout: 60_000 });
      await treeRow(devicesPane, 'Generation 1').waitFor({ timeout: 60_000 });
      await treeRow(devicesPane, /NixOS - Configuration 1/).waitFor({ timeout: 60_000 });
      assert.match(await treeRow(devicesPane, 'Generation 2').innerText(), /boots by default/);
      await clearNotifications(page);
      await shoot(page, '07-devices-generations');

      // ---- 6. Boot the older generation from the console: power-cycle, "Configuration 1".
      step = 'boot generation 1 from the console';
      offset = consoleSize(info);
      terminal = await recordTerminalLines(page);
      await boardAsync('power-cycle', state);
      const secondPick = await waitForQuickPick(page, /Boot vulpix/, 60_000);
      const secondRows = await quickPickRows(secondPick);
      assert.ok(secondRows.some((r) => /NixOS - Configuration 2/.test(r)), secondRows.join('\n'));
      await pickRow(secondPick, /NixOS - Configuration 1/);
      const secondBoot = await waitFor('u-boot booting generation 1', () => consoleSince(info, offset), (t) => firstBootedSystem(t) !== undefined);
      assert.equal(firstBootedSystem(secondBoot), gen1System, secondBoot.slice(-1500));
      const kernel = (gen1Entry?.kernel ?? '').replace(/^(\.\.\/)+/, '');
      assert.ok(kernel !== '', 'generation 1 names a kernel');
      assert.ok(secondBoot.split('\n').some((line) => line.includes('Retrieving file:') && line.includes(kernel)), `u-boot retrieved ${kernel}:\n${secondBoot.slice(-1500)}`);
      await waitFor('booted-system is generation 1', () => readBoardSystem(info).bootedSystem, (s) => s === gen1System);
      assert.match(await terminal.lines(), /\d+:\s+NixOS - Configuration 1/);
      await shoot(page, '08-booted-generation-1');

      // ---- 7. Roll back from the device's context menu (a modal asks first).
      step = 'roll back';
      await contextMenu(page, deviceRow, 'Roll Back to the Previous Generation');
      await answerModal(page, /Roll vulpix back/, 'Roll Back');
      const rolledBack = await waitFor('the profile back at generation 1', () => readBoardSystem(info).profile, (p) => p === 'system-1-link', 60_000);
      assert.equal(rolledBack, 'system-1-link');
      const defaultSystem = (conf: string): string | undefined => {
        const menu = parseExtlinuxEntries(conf);
        return menu.entries.find((e) => e.label === menu.defaultLabel)?.system;
      };
      await waitFor('the boot menu defaulting to generation 1', () => readBoardSystem(info).extlinux, (conf) => defaultSystem(conf) === gen1System);
      await shoot(page, '09-rolled-back');
      // The Devices view in the same window follows: the roll back refreshes the device.
      const freshPane = await viewPane(page, /devices/i);
      const gen1Row = treeRow(freshPane, /Generation 1.*boots by default/);
      await gen1Row.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
        throw new Error(`the Devices view shows:\n${await freshPane.innerText()}`, { cause: error });
      });
      assert.match(await gen1Row.innerText(), /current/);
      assert.doesNotMatch(await treeRow(freshPane, 'Generation 2').innerText(), /boots by default/);
      await shoot(page, '10-devices-after-roll-back');
      // Real: the card itself (debugfs on the card file, with NIXOS_SD unmounted so every
      // write is on it) boots generation 1 by default.
      board('unmount-card', state);
      const cardConf = readFromCard(info.card, EXTLINUX);
      assert.equal(defaultSystem(cardConf), gen1System, cardConf);

      // A passing run: three pictures for the README.
      mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
      for (const name of ['03-uboot-menu', '05-deploy-diff', '07-devices-generations']) copyFileSync(join(RESULTS, `${name}.png`), join(DOCS_SCREENSHOTS, `journey-${name}.png`));
    } catch (error) {
      await shoot(page, `failed-at-${step.replace(/\W+/g, '-')}`).catch(() => undefined);
      const logs = server.readLogs(EXTENSION_LOGS).slice(-5000);
      throw new Error(`journey step "${step}" failed: ${String(error)}\n--- extension logs ---\n${logs}`, { cause: error });
    }
  });
});

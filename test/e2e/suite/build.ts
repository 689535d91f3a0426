/**
 * Build from the Flake view in the real VS Code: the example's SD image is built through the
 * same command the view's inline action runs; the Build view opens, and the result is real: an
 * out-link in the workspace pointing at a store path with the .img.zst that
 * nix-support/hydra-build-products names.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import type { FlakeNode } from '../../../src/ui/views/flake-tree';
import { extensionContext } from './activation';

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // Polling a file and the tab list: neither has an event the test can subscribe to here.
    await new Promise((r) => setTimeout(r, 250));
  }
}

suite('Build', () => {
  test('builds the SD image from the Flake view, shows the Build view, and leaves a real result', async () => {
    const ctx = await extensionContext();
    // An earlier suite may have just saved flake.nix: the view re-evaluates, so wait for it.
    const deadline = Date.now() + 60_000;
    let imagesGroup: FlakeNode | undefined;
    while (imagesGroup === undefined && Date.now() < deadline) {
      const [flake] = await ctx.flakeTree.getChildren();
      const groups = flake === undefined ? [] : await ctx.flakeTree.getChildren(flake);
      imagesGroup = groups.find((g) => g.kind === 'group' && g.group === 'images');
      if (imagesGroup === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(imagesGroup, 'the Images group');
    const [image] = await ctx.flakeTree.getChildren(imagesGroup);
    assert.ok(image?.kind === 'image');
    // What the inline "Build" action runs; the command waits for the build, not for the user.
    await vscode.commands.executeCommand('nixosDevices.build', image satisfies FlakeNode);

    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder);
    const link = join(folder, '.nixos-devices', 'results', 'images.vulpix');
    const out = await waitFor('the out-link', () => (existsSync(link) ? realpathSync(link) : undefined));
    assert.match(out, /^\/nix\/store\/[a-z0-9]{32}-nixos-sd-image-/);
    const products = readFileSync(join(out, 'nix-support', 'hydra-build-products'), 'utf-8');
    assert.match(products, /^file sd-image \/nix\/store\/.+\.img\.zst$/m);

    // The tab model reaches the extension host asynchronously after the panel is created: with
    // a cached build the command can return before the new tab is visible here.
    const tabLabels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await waitFor('the Build view tab', () => (tabLabels().some((label) => label.includes('images.vulpix')) ? true : undefined), 10_000).catch(() => undefined);
    const tabs = tabLabels();
    assert.ok(tabs.some((label) => label.includes('images.vulpix')), `the Build view is open; tabs: ${tabs.join(', ')}`);
  });
});

suite('Build view, live', () => {
  test('follows a 24-derivation build as it runs: counts rise in the view before it reports success', async () => {
    const flakeDir = process.env['NIXOS_DEVICES_E2E_CHAIN_FLAKE'];
    assert.ok(flakeDir !== undefined && existsSync(flakeDir), 'the test driver passes a fresh chain flake in NIXOS_DEVICES_E2E_CHAIN_FLAKE');
    const ctx = await extensionContext();
    const seen: { status: string; done: number; running: number; planned: number; nodes: number }[] = [];
    const sub = ctx.buildViewRenders((state) => {
      seen.push({ status: state.status, done: state.counts.done, running: state.counts.running, planned: state.counts.planned, nodes: state.tree.length });
    });
    try {
      await vscode.commands.executeCommand('nixosDevices.build', { flakeDir, attrPath: 'packages.x86_64-linux.chain' });
    } finally {
      sub.dispose();
    }
    const running = seen.filter((s) => s.status === 'running');
    assert.ok(running.length >= 3, `the view was redrawn while the build ran (${running.length} running states)`);
    const doneCounts = running.map((s) => s.done);
    assert.ok(doneCounts.some((d) => d > 0 && d < 24), `an intermediate count was shown: ${doneCounts.join(',')}`);
    assert.deepEqual(doneCounts, [...doneCounts].sort((a, b) => a - b), 'the done count never goes back');
    const last = seen.at(-1);
    assert.equal(last?.status, 'succeeded');
    assert.equal(last?.done, 24, 'all 24 derivations of the chain were built');
  });
});

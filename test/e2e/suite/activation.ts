/**
 * In the real extension host: the extension is installed, activates, and everything its manifest
 * contributes (commands, the activity-bar container, its views) is live. The expectations are read
 * from the extension's own package.json, so the test follows the manifest as it grows.
 */
import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { Ctx } from '../../../src/ui/ctx';

export const EXTENSION_ID = 'nixos-devices.nixos-devices';

/** The extension's shared context, from its API: asking for it loads the rest of the extension. */
export async function extensionContext(): Promise<Ctx> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this VS Code`);
  return (await ext.activate()).context();
}

interface Contributes {
  readonly commands: readonly string[];
  readonly containers: readonly string[];
  readonly views: readonly string[];
}

/** The string under `key` of each object in a manifest list (`id` for views, `command` for commands). */
function ids(list: unknown, key = 'id'): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const value = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? [value] : [];
  });
}

function contributes(packageJSON: unknown): Contributes {
  const manifest = typeof packageJSON === 'object' && packageJSON !== null ? (packageJSON as Record<string, unknown>) : {};
  const c = typeof manifest['contributes'] === 'object' && manifest['contributes'] !== null ? (manifest['contributes'] as Record<string, unknown>) : {};
  const containers = typeof c['viewsContainers'] === 'object' && c['viewsContainers'] !== null ? (c['viewsContainers'] as Record<string, unknown>) : {};
  const views = typeof c['views'] === 'object' && c['views'] !== null ? (c['views'] as Record<string, unknown>) : {};
  return {
    commands: ids(c['commands'], 'command'),
    containers: ids(containers['activitybar']),
    views: Object.values(views).flatMap((list) => ids(list)),
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

suite('NixOS Devices in a real VS Code', () => {
  test('is installed and activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  // Runs first, before any suite shows a view, runs a command or opens a Nix file.
  test('activates without loading the rest of the extension until something is used', async () => {
    const ext = extension();
    await ext.activate();
    const loaded = Object.keys(require.cache).filter((path) => path.startsWith(ext.extensionPath));
    assert.ok(loaded.some((path) => path.endsWith('extension.js')), `the activation entry is not among the loaded modules: ${loaded.join(', ')}`);
    assert.deepEqual(loaded.filter((path) => /extension-main\.js$|language-client\.js$|ssh2\.js$/.test(path)), [], 'activation loaded more than its entry');
  });

  // test/e2e/vsix.test.ts runs this suite against the .vsix installed with --install-extension.
  if (process.env['NIXOS_DEVICES_E2E_EXPECT'] === 'installed') {
    test('runs from the installed .vsix, which holds bundles but no sources or node_modules', async () => {
      const root = extension().extensionUri;
      assert.match(root.path, /\/nixos-devices\.nixos-devices-[^/]+$/);
      const names = (await vscode.workspace.fs.readDirectory(root)).map(([name]) => name);
      assert.ok(names.includes('dist'), `no dist/ in ${root.path}: ${names.join(', ')}`);
      for (const absent of ['src', 'node_modules', 'test', 'tsconfig.json']) assert.ok(!names.includes(absent), `${absent} shipped in the .vsix`);
    });
  }

  test('registers every command its manifest contributes', async () => {
    const ext = extension();
    await ext.activate();
    const wanted = contributes(ext.packageJSON).commands;
    assert.ok(wanted.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      wanted.filter((id) => !registered.has(id)),
      [],
      'contributed commands the extension did not register',
    );
  });

  test('shows its activity-bar container and every view its manifest contributes', async () => {
    const ext = extension();
    const { containers, views } = contributes(ext.packageJSON);
    assert.ok(containers.includes('nixosDevices'), 'no "nixosDevices" activity-bar container in package.json');
    assert.ok(views.length > 0, 'package.json contributes no views');
    // VS Code registers `workbench.view.extension.<container>` for each container it accepted and
    // `<view>.focus` for each view: their presence says the workbench took the contribution.
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = [...containers.map((id) => `workbench.view.extension.${id}`), ...views.map((id) => `${id}.focus`)].filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed containers/views the workbench does not know');
  });
});

/**
 * The Flake view in the real extension host, on a copy of examples/ (the workspace the e2e run
 * opens): its items equal the flake's real outputs, a cross package whose name says nothing of
 * "cross" shows its real host platform, and edits to flake.nix and to a module it imports show
 * up in the view.
 */
import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import type { Ctx } from '../../../src/ui/ctx';
import type { FlakeNode } from '../../../src/ui/views/flake-tree';
import { extensionContext } from './activation';

interface ItemView {
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
}

async function api(): Promise<Ctx> {
  return extensionContext();
}

function view(ctx: Ctx, node: FlakeNode): ItemView {
  const item = ctx.flakeTree.getTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return { label, description: typeof item.description === 'string' ? item.description : '', contextValue: item.contextValue ?? '' };
}

/** Every output item under the first flake, as "group/label: description". */
async function snapshot(ctx: Ctx): Promise<Map<string, ItemView>> {
  const out = new Map<string, ItemView>();
  const walk = async (node: FlakeNode, path: string): Promise<void> => {
    const children = await ctx.flakeTree.getChildren(node);
    for (const child of children) {
      const v = view(ctx, child);
      const key = `${path}/${v.label}`;
      out.set(key, v);
      await walk(child, key);
    }
  };
  const roots = await ctx.flakeTree.getChildren();
  assert.equal(roots.length, 1, 'one flake in the workspace');
  const root = roots[0];
  assert.ok(root);
  await walk(root, '');
  return out;
}

/** Waits until the view's snapshot satisfies `ready`, re-reading on every tree change. */
async function waitForView(ctx: Ctx, ready: (s: Map<string, ItemView>) => boolean, timeoutMs = 45_000): Promise<Map<string, ItemView>> {
  const deadline = Date.now() + timeoutMs;
  let last = await snapshot(ctx);
  while (!ready(last)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`the Flake view did not change as expected; it shows:\n${[...last.keys()].join('\n')}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(remaining, 2_000));
      const sub = ctx.flakeTree.onDidChangeTreeData(() => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
    last = await snapshot(ctx);
  }
  return last;
}

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

async function replaceInFile(relative: string, from: string, to: string): Promise<void> {
  const uri = workspaceFile(relative);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  assert.ok(text.includes(from), `${relative} contains ${from}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text.replace(from, to)));
}

suite('Flake view', () => {
  test("lists the example flake's outputs with their platforms", async () => {
    const ctx = await api();
    const items = await waitForView(ctx, (s) => s.has('/NixOS configurations/vulpix'));
    assert.equal(items.get('/NixOS configurations/vulpix')?.description, 'armv7l-linux (cross from x86_64-linux)');
    assert.equal(items.get('/Images/vulpix')?.description, 'nixos-sd-image-23.05.1-armv7l-linux.img');
    assert.equal(items.get('/Deploy nodes/vulpix')?.description, 'root@10.78.0.2');
    const packages = [...items.keys()].filter((k) => k.startsWith('/Packages/x86_64-linux/')).map((k) => k.split('/').at(-1)).sort();
    assert.deepEqual(packages, ['board-monitor', 'default', 'humility', 'humility-cross-armv7l-linux']);
  });

  test('shows a cross package whose name says nothing of cross with its real host platform', async () => {
    const ctx = await api();
    const items = await waitForView(ctx, (s) => s.has('/Packages/x86_64-linux/board-monitor'));
    const monitor = items.get('/Packages/x86_64-linux/board-monitor');
    assert.equal(monitor?.contextValue, 'output.package.cross');
    assert.match(monitor?.description ?? '', /runs on armv7l-linux \(cross\)/);
    assert.equal(items.get('/Packages/x86_64-linux/humility')?.contextValue, 'output.package');
  });

  test('follows edits to flake.nix and to a module it imports', async () => {
    const ctx = await api();
    await waitForView(ctx, (s) => s.has('/NixOS configurations/vulpix'));
    await replaceInFile('flake.nix', 'hostname = "10.78.0.2";', 'hostname = "vulpix.lan";');
    await waitForView(ctx, (s) => s.get('/Deploy nodes/vulpix')?.description === 'root@vulpix.lan');
    // sim/default.nix is imported by flake.nix: the version of every tool comes from it.
    await replaceInFile('sim/default.nix', '"${name}-0.1.0"', '"${name}-0.2.0"');
    const items = await waitForView(ctx, (s) => /board-monitor-0\.2\.0/.test(s.get('/Packages/x86_64-linux/board-monitor')?.description ?? ''));
    assert.match(items.get('/Packages/x86_64-linux/humility')?.description ?? '', /humility-0\.2\.0/);
  });

  test('puts an evaluation error in the view and in Problems, at its line', async () => {
    const ctx = await api();
    await waitForView(ctx, (s) => s.has('/NixOS configurations/vulpix'));
    await replaceInFile('flake.nix', 'buildSystem = "x86_64-linux";', 'buildSystem = notDefinedAnywhere;');
    const items = await waitForView(ctx, (s) => [...s.keys()].some((k) => k.includes('notDefinedAnywhere')));
    assert.ok([...items.keys()].some((k) => /undefined variable 'notDefinedAnywhere'/.test(k)));
    const diagnostics = vscode.languages.getDiagnostics(workspaceFile('flake.nix'));
    const nixError = diagnostics.find((d) => d.source === 'nix');
    assert.ok(nixError, 'the error is in Problems');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceFile('flake.nix')));
    assert.equal(text.split('\n')[nixError.range.start.line]?.includes('notDefinedAnywhere'), true);
    await replaceInFile('flake.nix', 'buildSystem = notDefinedAnywhere;', 'buildSystem = "x86_64-linux";');
    await waitForView(ctx, (s) => s.has('/NixOS configurations/vulpix'));
    assert.equal(vscode.languages.getDiagnostics(workspaceFile('flake.nix')).filter((d) => d.source === 'nix').length, 0);
  });
});

/**
 * The build refuses `vscode` outside src/ui/ and src/extension.ts: the plugin scripts/build.mjs
 * uses, run by esbuild on a throwaway tree shaped like ours.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { build, type Plugin } from 'esbuild';
import { makeTempDir } from '../../harness/temp-dir';

interface LayeringModule {
  readonly vscodeOnlyInUi: (root: string) => Plugin;
}

describe('layering rule at bundle time', () => {
  const tmp = makeTempDir('layering');
  after(() => tmp.remove());

  async function bundle(entry: string): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a plain .mjs module, typed by the interface above
    const { vscodeOnlyInUi }: LayeringModule = await import(join(__dirname, '../../../scripts/layering-plugin.mjs'));
    await build({ entryPoints: [join(tmp.path, entry)], bundle: true, write: false, platform: 'node', logLevel: 'silent', plugins: [vscodeOnlyInUi(tmp.path)] });
  }

  function file(path: string, text: string): void {
    mkdirSync(join(tmp.path, path, '..'), { recursive: true });
    writeFileSync(join(tmp.path, path), text);
  }

  it('fails a build where src/core imports vscode, naming the file', async () => {
    file('src/core/probe.ts', 'import * as vscode from "vscode";\nexport const v = vscode;\n');
    file('src/cli.ts', 'import { v } from "./core/probe";\nconsole.log(v);\n');
    await assert.rejects(bundle('src/cli.ts'), /src\/core\/probe\.ts imports "vscode"/);
  });

  it('fails a build where the server imports vscode', async () => {
    file('src/server/main.ts', 'import { window } from "vscode";\nconsole.log(window);\n');
    await assert.rejects(bundle('src/server/main.ts'), /src\/server\/main\.ts imports "vscode"/);
  });

  it('lets src/ui and src/extension.ts import vscode', async () => {
    file('src/ui/view.ts', 'import * as vscode from "vscode";\nexport const w = vscode.window;\n');
    file('src/extension.ts', 'import { w } from "./ui/view";\nimport * as vscode from "vscode";\nconsole.log(w, vscode);\n');
    await bundle('src/extension.ts');
  });
});

// Bundles the extension, the language server, the CLI and the webviews with esbuild.
//   node scripts/build.mjs               development build with source maps
//   node scripts/build.mjs --production  minified, for packaging
//   node scripts/build.mjs --watch
// A file under src/core/ or src/server/ that imports `vscode` fails the build: the core is plain
// Node so the CLI, the language server and the tests can use it without an editor.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vscodeOnlyInUi } from './layering-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [vscodeOnlyInUi(root)],
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ssh2's optional native crypto binding is built for one Node ABI and loads in neither VS Code's
  // Electron nor node 24: leave it out so ssh2 uses its pure-JS fallback. cpu-features likewise.
  external: ['vscode', 'cpu-features', '*/crypto/build/Release/sshcrypto.node'],
};

function webviewEntries() {
  const dir = join(root, 'webview');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'main.ts')))
    .map((d) => ({ in: join(dir, d.name, 'main.ts'), out: d.name }));
}

/** In the extension's main bundle, ssh2 (two thirds of its size with its pure-JS crypto) is a bundle of
 * its own, dist/ssh2.js, required on the first SSH connection (src/core/remote/ssh2-module.ts):
 * activation then neither parses nor runs it. */
const ssh2Beside = {
  name: 'ssh2-beside',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: './ssh2.js', external: true }));
  },
};

const builds = [
  // The activation entry: registrations only; it requires dist/extension-main.js on first use.
  { ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { 'extension-main': 'src/ui/main.ts' }, outdir: 'dist', plugins: [...common.plugins, ssh2Beside] },
  { ...nodeCommon, entryPoints: { ssh2: 'node_modules/ssh2/lib/index.js' }, outdir: 'dist' },
  // The language client, required by the extension only when a Nix document opens.
  { ...nodeCommon, entryPoints: { 'language-client': 'src/ui/language/language-client.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { server: 'src/server/main.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];
const webviews = webviewEntries();
if (webviews.length > 0) {
  builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: webviews, outdir: 'dist/webview' });
}
// Test bundle run inside the real VS Code's extension host (see test/e2e/).
if (!production && existsSync(join(root, 'test/e2e/index.ts'))) {
  builds.push({ ...nodeCommon, entryPoints: { index: 'test/e2e/index.ts' }, outdir: 'out/test/e2e', external: [...nodeCommon.external, 'mocha'] });
}

/** serialport finds its N-API binary with node-gyp-build(join(__dirname, '..')): from dist/ that is
 * the extension's root, so the prebuilds are copied to <root>/prebuilds and ship in the .vsix. */
function copyPrebuilds() {
  const from = join(root, 'node_modules/@serialport/bindings-cpp/prebuilds');
  const to = join(root, 'prebuilds');
  rmSync(to, { recursive: true, force: true });
  if (existsSync(from)) {
    mkdirSync(to, { recursive: true });
    cpSync(from, to, { recursive: true });
  }
}

/** Each webview's stylesheet goes next to its bundle: dist/webview/<name>.css. */
function copyWebviewStyles() {
  for (const { out } of webviews) {
    const css = join(root, 'webview', out, `${out}.css`);
    if (existsSync(css)) {
      mkdirSync(join(root, 'dist/webview'), { recursive: true });
      cpSync(css, join(root, 'dist/webview', `${out}.css`));
    }
  }
}

process.chdir(root);
rmSync(join(root, 'dist'), { recursive: true, force: true });
copyPrebuilds();
copyWebviewStyles();
if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('watching…');
} else {
  const results = await Promise.allSettled(builds.map((options) => esbuild.build(options)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    for (const f of failed) console.error(f.reason?.message ?? f.reason);
    process.exit(1);
  }
}

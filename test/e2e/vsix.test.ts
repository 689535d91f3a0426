/**
 * The package: `scripts/package.mjs` makes the .vsix (a minified build, then @vscode/vsce), which
 * installs into code-server with `--install-extension` and activates there. The in-VS-Code suites
 * then run against the installed copy, with one extra check that it
 * is the installed copy and holds no sources.
 * Rebuilds dist/ minified, as `npm run package` does; out/test/e2e/ (the test bundle) stays.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type CodeServer,
  chromiumAvailable,
  CHROMIUM_PATH,
  ensureCodeServer,
  runExtensionTests,
  startCodeServer,
  writeEmptyExtension,
} from '../harness/code-server';
import { copyBuildFlake } from '../harness/build-flakes';
import { nixTestEnv } from '../harness/nix';
import { startSerialShell, type SerialShell } from '../harness/serial-shell';
import { makeTempDir } from '../harness/temp-dir';

const ROOT = join(__dirname, '..', '..');
const TESTS_BUNDLE = join(ROOT, 'out', 'test', 'e2e', 'index.js');

/** File names inside a .vsix (a zip), read with yauzl, the reader @vscode/vsce itself uses. */
function vsixEntries(vsix: string): string[] {
  const script = `require('yauzl').open(process.argv[1], (e, z) => { if (e) throw e; const n = []; z.on('entry', (x) => n.push(x.fileName)); z.on('end', () => console.log(JSON.stringify(n))); });`;
  const out = execFileSync(process.execPath, ['-e', script, vsix], { cwd: ROOT, encoding: 'utf8' });
  const parsed: unknown = JSON.parse(out);
  assert.ok(Array.isArray(parsed));
  return parsed.filter((n): n is string => typeof n === 'string');
}

describe('the packaged .vsix', { timeout: 20 * 60_000 }, () => {
  const temp = makeTempDir('vsix');
  const vsix = join(temp.path, 'nixos-devices.vsix');
  let server: CodeServer | undefined;
  let serialShell: SerialShell | undefined;

  before(() => {
    if (!existsSync(TESTS_BUNDLE)) throw new Error(`${TESTS_BUNDLE} is missing: run \`npm run build\` first (scripts/test.sh does)`);
    if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-system-deps.sh`);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 5 * 60_000 });
  });

  after(async () => {
    await server?.stop();
    await serialShell?.stop();
    temp.remove();
  });

  it('holds only bundles, prebuilds, media, syntaxes, the manifest and docs', () => {
    const files = vsixEntries(vsix).filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
    assert.ok(files.includes('dist/extension.js'), 'no dist/extension.js');
    assert.ok(files.includes('package.json'), 'no package.json');
    assert.ok(files.some((f) => /^prebuilds\/linux-x64\/.*\.node$/.test(f)), "no serialport prebuild for linux-x64");
    const allowed = /^(dist\/.*\.(js|css|html|json|wasm|ttf|woff2|svg|png)|prebuilds\/.*\.node|media\/.*|syntaxes\/.*|docs\/screenshots\/[^/]+\.png|package(\.nls(\.[\w-]+)?)?\.json|README\.md|CHANGELOG\.md|LICENSE(\.md|\.txt)?)$/i; // vsce writes readme.md in lower case
    assert.deepEqual(files.filter((f) => !allowed.test(f)), [], 'files that should not ship');
    assert.deepEqual(files.filter((f) => f.endsWith('.map') || f.includes('node_modules/') || f.endsWith('sshcrypto.node')), []);
  });

  it('installs into code-server with --install-extension and activates there', { timeout: 10 * 60_000 }, async () => {
    const workspace = join(temp.path, 'workspace');
    execFileSync('cp', ['-r', join(ROOT, 'examples'), workspace]);
    serialShell = await startSerialShell(temp.path);
    server = await startCodeServer({
      install: ensureCodeServer(),
      workspace,
      installExtensions: [vsix],
      env: { ...nixTestEnv(), NIXOS_DEVICES_E2E_EXPECT: 'installed', NIXOS_DEVICES_E2E_CHAIN_FLAKE: copyBuildFlake('chain', temp.path), NIXOS_DEVICES_E2E_SERIAL_PORT: serialShell.path },
    });
    const code = await runExtensionTests(server, {
      // VS Code runs tests only in a development window: an empty extension takes that role, so
      // ours is the copy --install-extension put in the extensions folder.
      extensionDevelopmentPath: writeEmptyExtension(join(temp.path, 'empty-extension')),
      extensionTestsPath: TESTS_BUNDLE,
      onLog: (line) => process.stdout.write(`  [vscode] ${line}\n`),
    });
    assert.equal(code, 0, 'the in-VS-Code mocha run against the installed .vsix reported failures (see the [vscode] lines above)');
  });
});

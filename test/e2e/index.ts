/**
 * The module VS Code loads as `extensionTestsPath` inside the real extension host (see
 * test/harness/code-server.ts, runExtensionTests). scripts/build.mjs bundles it with the suites to
 * out/test/e2e/index.js; mocha stays external and is required from the clone's node_modules.
 *
 * The suites are imported dynamically, after mocha has installed its interface: mocha's exported
 * `suite`/`test` only work once a Mocha instance has emitted 'pre-require'. esbuild still bundles
 * them (a literal import() path), evaluating each lazily when its import() runs.
 */
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    // The extension host forwards console output to the test driver line by line: no colours.
    color: false,
    reporter: 'spec',
    timeout: Number(process.env['NIXOS_DEVICES_E2E_TIMEOUT_MS'] ?? 60_000),
  });
  const grep = process.env['NIXOS_DEVICES_E2E_GREP'];
  if (grep !== undefined && grep !== '') mocha.grep(grep);
  mocha.suite.emit('pre-require', globalThis, 'out/test/e2e/index.js', mocha);
  // One line per suite file (esbuild resolves the .js names to the .ts sources).
  await import('./suite/activation.js');
  await import('./suite/flake-view.js');
  await import('./suite/language-server.js');
  await import('./suite/flake-check.js');
  await import('./suite/build.js');
  await import('./suite/ssh.js');
  await import('./suite/serial.js');
  await import('./suite/ports.js');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} in-VS-Code test(s) failed`);
}

// `npm run package`: a minified build, then @vscode/vsce makes nixos-devices-<version>.vsix.
//   node scripts/package.mjs [--out FILE.vsix]
// What ships is decided by .vscodeignore (bundles, serialport's prebuilds, media, syntaxes,
// manifest, docs); --no-dependencies because every dependency is bundled into dist/. Prints the
// package's contents and size. Works offline.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outAt = process.argv.indexOf('--out');
const out = outAt === -1 ? join(root, `${manifest.name}-${manifest.version}.vsix`) : resolve(process.argv[outAt + 1]);

const LIST_ZIP = `
  require('yauzl').open(process.argv[1], (err, zip) => {
    if (err) throw err;
    const rows = [];
    zip.on('entry', (e) => rows.push([e.fileName, e.uncompressedSize]));
    zip.on('end', () => {
      for (const [name, size] of rows.sort(([a], [b]) => a.localeCompare(b))) console.log(String(size).padStart(10) + '  ' + name);
    });
  });`;

function step(argv) {
  try {
    execFileSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit' });
  } catch {
    console.error(`package: failed: ${argv.slice(1).join(' ')}`);
    process.exit(1);
  }
}

step([process.execPath, join(root, 'scripts/build.mjs'), '--production']);

const vsce = [process.execPath, join(root, 'node_modules/@vscode/vsce/vsce')];
// --no-rewrite-relative-links: README's images stay relative and ship (docs/screenshots/), so the
// Extensions view shows them from the installed package; the repository URL is not a real host.
const args = ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out];
const hasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(root, f)));
if (!hasLicense) {
  // vsce would otherwise stop and ask on the terminal; package.json still names the licence.
  console.warn('package: no LICENSE file, packaging without one (--skip-license)');
  args.push('--skip-license');
}
step([...vsce, ...args]);

// The .vsix is a zip: list it with yauzl (vsce's own zip reader) so no unzip tool is needed.
const listing = execFileSync(process.execPath, ['-e', LIST_ZIP, out], { cwd: root, encoding: 'utf8' });
process.stdout.write(listing);
console.log(`package: ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB)`);

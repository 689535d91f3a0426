// Runs test stages with node's own test runner and prints one closing line
// "N passed, N failed" over all stages (CI reads it).
//   node scripts/run-tests.mjs unit|integration|e2e|all [--grep PATTERN]
// unit: pure tests under test/unit. integration: core against real programs (Nix, sshd, socat,
// qemu, loop devices) started by the tests. e2e: the extension inside a real VS Code.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const args = process.argv.slice(2);
const grepAt = args.indexOf('--grep');
const grep = grepAt === -1 ? undefined : args[grepAt + 1];
const wanted = args.filter((a, i) => !a.startsWith('--') && (grepAt === -1 || i !== grepAt + 1));
const stages = wanted.length === 0 || wanted.includes('all') ? ['unit', 'integration', 'e2e'] : wanted;

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (/\.test\.ts$/.test(name)) out.push(path);
  }
  return out;
}

function runStage(stage) {
  let files = findTests(join(root, 'test', stage));
  if (grep !== undefined) files = files.filter((f) => f.includes(grep));
  if (files.length === 0) {
    console.log(`\n== ${stage}: no test files`);
    return Promise.resolve({ passed: 0, failed: 0, code: 0 });
  }
  console.log(`\n== ${stage}: ${files.length} files`);
  // Integration and e2e tests start real peers (a Nix store, sshd, qemu, code-server): one file at
  // a time keeps them from fighting over ports, loop devices and the 2 cores.
  const concurrency = stage === 'unit' ? '2' : '1';
  const argv = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map((f) => relative(root, f))];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NIXOS_DEVICES_TEST_STAGE: stage } });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const count = (label) => Number(new RegExp(`ℹ ${label} (\\d+)`).exec(tail)?.[1] ?? 0);
      resolve({ passed: count('pass'), failed: count('fail') + count('cancelled'), code: code ?? 1 });
    });
  });
}

let passed = 0;
let failed = 0;
let exitCode = 0;
for (const stage of stages) {
  const result = await runStage(stage);
  passed += result.passed;
  failed += result.failed;
  if (result.code !== 0) {
    exitCode = 1;
    if (result.failed === 0) failed += 1; // the runner itself failed (a crash, a file that did not load)
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(exitCode);

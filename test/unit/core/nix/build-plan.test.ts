import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expensiveReason, parseBuildPlan, parseNixLogLine, packageName } from '../../../../src/core/nix';

const LOGS = join(__dirname, '../../../fixtures/nix-logs');

describe('parseBuildPlan', () => {
  it('reads the derivations to build from a recorded 2.8 dry-run in text format', () => {
    const plan = parseBuildPlan(readFileSync(join(LOGS, 'nix-2.8-dry-run-chain.txt'), 'utf-8').split('\n'));
    assert.equal(plan.toBuild.length, 24);
    assert.match(plan.toBuild[0] ?? '', /-chain-alpha-1\.0\.drv$/);
    assert.deepEqual(plan.toFetch, []);
    assert.deepEqual(plan.expensive, []);
  });

  it('reads the same plan from internal-json messages', () => {
    const texts = readFileSync(join(LOGS, 'nix-2.8-dry-run-chain.log'), 'utf-8')
      .split('\n')
      .map(parseNixLogLine)
      .flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    const text = parseBuildPlan(readFileSync(join(LOGS, 'nix-2.8-dry-run-chain.txt'), 'utf-8').split('\n'));
    assert.deepEqual(parseBuildPlan(texts).toBuild, text.toBuild);
  });

  it('reads fetched paths and sizes in the 2.8 and the newer wording, and calls out compilers and kernels', () => {
    const lines = [
      'this derivation will be built:',
      '  /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gcc-12.3.0.drv',
      'these 2 paths will be fetched (12.50 MiB download, 56.00 MiB unpacked):',
      '  /nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-bash-5.2',
      '  /nix/store/cccccccccccccccccccccccccccccccc-coreutils-9.3',
    ];
    const old = parseBuildPlan(lines);
    assert.equal(old.toBuild.length, 1);
    assert.equal(old.toFetch.length, 2);
    assert.equal(old.downloadBytes, Math.round(12.5 * 1024 * 1024));
    assert.equal(old.unpackedBytes, 56 * 1024 * 1024);
    assert.deepEqual(old.expensive.map((e) => [e.name, e.why]), [['gcc-12.3.0', 'compiler']]);
    const newer = parseBuildPlan([
      'these 3 derivations will be built:',
      '  /nix/store/dddddddddddddddddddddddddddddddd-linux-6.1.55.drv',
      '  /nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-rustc-1.73.0.drv',
      '  /nix/store/ffffffffffffffffffffffffffffffff-hello-2.12.drv',
      'this path will be fetched (812.0 KiB download, 3.1 MiB unpacked):',
      '  /nix/store/gggggggggggggggggggggggggggggggg-zlib-1.3',
    ]);
    assert.equal(newer.toBuild.length, 3);
    assert.equal(newer.downloadBytes, 812 * 1024);
    assert.equal(newer.unpackedBytes, Math.round(3.1 * 1024 * 1024));
    assert.deepEqual(newer.expensive.map((e) => e.why), ['kernel', 'compiler']);
  });
});

describe('expensiveReason', () => {
  it('recognises compilers, cross compilers, kernels, glibc and binutils, not their cheap neighbours', () => {
    assert.equal(expensiveReason('armv7l-unknown-linux-gnueabihf-gcc-12.3.0'), 'compiler');
    assert.equal(expensiveReason('llvm-16.0.6'), 'compiler');
    assert.equal(expensiveReason('ghc-9.4.7'), 'compiler');
    assert.equal(expensiveReason('go-1.21.1'), 'compiler');
    assert.equal(expensiveReason('linux-rpi-6.1.21'), 'kernel');
    assert.equal(expensiveReason('glibc-2.37-8'), 'c library');
    assert.equal(expensiveReason('binutils-2.40'), 'toolchain');
    assert.equal(expensiveReason('linux-headers-6.1'), undefined);
    assert.equal(expensiveReason('gcc-wrapper-12.3.0'), undefined);
    assert.equal(expensiveReason('hello-2.12'), undefined);
    assert.equal(expensiveReason('gomod2nix-1.5'), undefined);
  });

  it('splits a package name from its version as Nix does', () => {
    assert.equal(packageName('gcc-12.3.0'), 'gcc');
    assert.equal(packageName('chain-alpha-1.0'), 'chain-alpha');
    assert.equal(packageName('linux-6.1.55-modules'), 'linux');
    assert.equal(packageName('source'), 'source');
  });
});

/**
 * Flash bench: for the same ~1 GiB image (a .img.zst) in one run, ours vs
 * `zstd -dc | dd bs=4M iflag=fullblock oflag=direct` and vs `… conv=fsync`, to the same loop
 * device and to a file; then verify time vs `cmp` after a cache flush. Prints ratios (ours ÷ the
 * faster dd; goal ≤ 1.05). Needs root (loop devices, drop_caches).
 *
 *   node --import tsx bench/flash/run.ts [--image IMG.zst] [--runs N]
 *
 * Without --image it builds a NixOS-like image: 384 MiB of real files (a tar of /usr) then zeros
 * up to 1 GiB, which zstd packs to ~170 MB (a NixOS sd-image of 1 GiB packs to ~130 MB).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { hashDeviceBytes, startFlash, type WriteMode } from '../../src/core/flash';
import type { DecompressorChoice } from '../../src/core/flash';
import { resolveHashChoice, type HashChoice } from '../../src/core/flash';
import { makeTempDir } from '../../test/harness/temp-dir';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const runs = Number(argValue('--runs') ?? '2');

const execFileAsync = promisify(execFile);

/** Async, so that a Ctrl-C reaches the clean-up handler between steps. */
async function sh(command: string): Promise<void> {
  await execFileAsync('sh', ['-c', command]);
}

function dropCaches(): void {
  execFileSync('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches']);
}

async function timeIt(fn: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Best of `runs` (the least disturbed by the other work on a shared machine). */
async function best(label: string, before: () => void, fn: () => Promise<void> | void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before();
    times.push(await timeIt(fn));
  }
  const min = Math.min(...times);
  console.log(`  ${label.padEnd(44)} ${min.toFixed(2)} s  (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
  return min;
}

async function ours(image: string, target: string, writeMode: WriteMode | 'auto', decompressor: DecompressorChoice = 'auto', hash: HashChoice = 'auto'): Promise<void> {
  await startFlash({ image, target, allowNonRemovable: true, verify: false, writeMode, decompressor, hash }).result();
}

async function main(): Promise<void> {
  const temp = makeTempDir('bench-flash');
  let loop: string | undefined;
  const cleanUp = (): void => {
    if (loop !== undefined) spawnSync('losetup', ['-d', loop]);
    temp.remove();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  try {
    let image = argValue('--image');
    if (image === undefined) {
      const raw = join(temp.path, 'bench.img');
      await sh(`tar -c /usr/lib /usr/share 2>/dev/null | head -c ${384 * 1024 * 1024} > ${raw}; truncate -s 1G ${raw}; zstd -q -T0 ${raw} -o ${raw}.zst; rm ${raw}`);
      image = `${raw}.zst`;
    }
    const imageBytes = Number(execFileSync('sh', ['-c', `zstd -dc ${image} | wc -c`], { encoding: 'utf-8' }).trim());
    console.log(`node ${process.version}; image ${image}: ${statSync(image).size} bytes → ${imageBytes} bytes`);
    const backing = join(temp.path, 'loop.backing');
    await sh(`truncate -s ${imageBytes + 64 * 1024 * 1024} ${backing}`);
    loop = execFileSync('losetup', ['-f', '--show', backing], { encoding: 'utf-8' }).trim();
    const file = join(temp.path, 'target.img');
    writeFileSync(file, '');

    console.log('decompression only (to /dev/null / into Node):');
    await best('zstd -dc > /dev/null', () => undefined, () => sh(`zstd -dc ${image} > /dev/null`));

    const results: Record<string, number> = {};
    for (const [name, target] of [
      ['loop device', loop],
      ['file', file],
    ] as const) {
      console.log(`write to ${name} (${target}):`);
      const reset = (): void => dropCaches();
      const ddDirect = await best('zstd -dc | dd bs=4M iflag=fullblock oflag=direct', reset, () => sh(`zstd -dc ${image} | dd of=${target} bs=4M iflag=fullblock oflag=direct status=none`));
      const ddFsync = await best('zstd -dc | dd bs=4M iflag=fullblock conv=fsync', reset, () => sh(`zstd -dc ${image} | dd of=${target} bs=4M iflag=fullblock conv=fsync status=none`));
      const oursAuto = await best('ours (auto: dd oflag=direct fed by us)', reset, () => ours(image, target, 'auto'));
      const oursOther = await best('ours (buffered writes + fsync)', reset, () => ours(image, target, 'buffered'));
      const faster = Math.min(ddDirect, ddFsync);
      results[name] = oursAuto / faster;
      if (name === 'loop device') {
        const zlibZstd = typeof (zlib as Record<string, unknown>)['createZstdDecompress'] === 'function';
        await best('ours, decompressed by the zstd program', reset, () => ours(image, target, 'auto', 'program'));
        if (zlibZstd) await best('ours, decompressed by Node zlib zstd', reset, () => ours(image, target, 'auto', 'in-process'));
        else console.log(`  (node ${process.version} has no zlib zstd)`);
        await best('ours, SHA-256 by the openssl program', reset, () => ours(image, target, 'auto', 'auto', 'program'));
      }
      console.log(`  ratio ours/faster dd: ${(oursAuto / faster).toFixed(2)} (other mode ${(oursOther / faster).toFixed(2)})`);
    }

    console.log('verify (read back after a cache flush):');
    await ours(image, loop, 'auto');
    const flush = (): void => {
      dropCaches();
      spawnSync('blockdev', ['--flushbufs', loop ?? '']);
    };
    const raw = join(temp.path, 'bench.raw');
    await sh(`zstd -dc ${image} > ${raw}`);
    const cmp = await best('cmp image /dev/loopN', flush, () => sh(`cmp -n ${imageBytes} ${raw} ${loop ?? ''}`));
    const verify = await best("ours: O_DIRECT read + SHA-256 (Node's crypto)", flush, async () => void (await hashDeviceBytes(loop ?? '', imageBytes, true, { hash: resolveHashChoice('auto') })));
    await best('ours: O_DIRECT read + SHA-256 (openssl program)', flush, async () => void (await hashDeviceBytes(loop ?? '', imageBytes, true, { hash: 'program' })));
    console.log(`  ratio ours/cmp: ${(verify / cmp).toFixed(2)}`);
    console.log(`summary: write ratio loop ${results['loop device']?.toFixed(2)}, file ${results['file']?.toFixed(2)}; verify ratio ${(verify / cmp).toFixed(2)}`);
  } finally {
    cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

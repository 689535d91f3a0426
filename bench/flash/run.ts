/**
 * Flash bench: for the same ~1 GiB image (a .img.zst) in one run, ours vs
 * `zstd -dc | dd bs=4M iflag=fullblock oflag=direct` and vs `… conv=fsync`, to the same loop
 * device (as losetup makes it, then with direct I/O to its backing file, like a card) and to a
 * file; then verify time vs `cmp` after a cache flush. Prints ratios (ours ÷ the
 * faster dd; goal ≤ 1.05). Needs root (loop devices, drop_caches).
 *
 *   node --import tsx bench/flash/run.ts [--image IMG.zst] [--runs N]
 *
 * Without --image it builds a NixOS-like image: 384 MiB of real files (a tar of /usr) then zeros
 * up to 1 GiB, which zstd packs to ~170 MB (a NixOS sd-image of 1 GiB packs to ~130 MB).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
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

interface Variant {
  readonly label: string;
  readonly run: () => Promise<void> | void;
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf-8').split(' ').slice(0, 3).join(' ');
}

/**
 * Runs the variants in interleaved rounds (a, b, c, a, b, c, …), `before` ahead of each run, so a
 * burst of other work on the shared machine hits all of them alike; prints best and median of
 * each with the load average, and returns the best (the least disturbed run).
 */
async function compare(before: () => void, variants: readonly Variant[]): Promise<number[]> {
  const times: number[][] = variants.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (const [index, variant] of variants.entries()) {
      before();
      times[index]?.push(await timeIt(variant.run));
    }
  }
  return variants.map((variant, index) => {
    const all = times[index] ?? [];
    const sorted = [...all].sort((a, b) => a - b);
    const min = sorted[0] ?? NaN;
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    console.log(`  ${variant.label.padEnd(50)} best ${min.toFixed(2)} s, median ${median.toFixed(2)} s  (runs: ${all.map((t) => t.toFixed(2)).join(', ')})`);
    return min;
  });
}

async function best(label: string, before: () => void, fn: () => Promise<void> | void): Promise<number> {
  const [min] = await compare(before, [{ label, run: fn }]);
  return min ?? NaN;
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
    // The loop device twice: as losetup makes it (its writes land in the backing file's page
    // cache, so dd oflag=direct ends before anything is on disk and ours pays the write-out in its
    // final fsync), then with direct I/O to the backing file, which is what a card is like: no
    // page cache behind the device, so a direct write ends when the data reached it.
    for (const [name, target, loopDirectIo] of [
      ['loop device', loop, 'off'],
      ['loop device, direct I/O to its backing file (like a card)', loop, 'on'],
      ['file', file, undefined],
    ] as const) {
      if (loopDirectIo !== undefined) execFileSync('losetup', [`--direct-io=${loopDirectIo}`, loop]);
      console.log(`write to ${name} (${target}), load ${loadAverage()}:`);
      const reset = (): void => dropCaches();
      const [ddDirect = NaN, ddFsync = NaN, oursAuto = NaN, oursOther = NaN, ddDirectSynced = NaN] = await compare(reset, [
        { label: 'zstd -dc | dd bs=4M iflag=fullblock oflag=direct', run: () => sh(`zstd -dc ${image} | dd of=${target} bs=4M iflag=fullblock oflag=direct status=none`) },
        { label: 'zstd -dc | dd bs=4M iflag=fullblock conv=fsync', run: () => sh(`zstd -dc ${image} | dd of=${target} bs=4M iflag=fullblock conv=fsync status=none`) },
        { label: 'ours (auto: in-process O_DIRECT writes)', run: () => ours(image, target, 'auto') },
        { label: 'ours (buffered writes + fsync)', run: () => ours(image, target, 'buffered') },
        // Not a peer: oflag=direct to a loop device leaves the image dirty in the backing file's
        // page cache, and ours ends with an fsync (the head), which writes it out. This shows that cost.
        { label: '(info) dd oflag=direct, then fsync as ours does', run: () => sh(`zstd -dc ${image} | dd of=${target} bs=4M iflag=fullblock oflag=direct status=none && dd if=/dev/null of=${target} conv=notrunc,fsync status=none`) },
      ]);
      console.log(`  load after: ${loadAverage()}`);
      const faster = Math.min(ddDirect, ddFsync);
      results[name] = oursAuto / faster;
      if (loopDirectIo !== undefined) console.log(`  (info) durable dd ÷ dd: ${(ddDirectSynced / ddDirect).toFixed(2)}; ours ÷ durable dd: ${(oursAuto / Math.min(ddDirectSynced, ddFsync)).toFixed(2)}`);
      if (loopDirectIo === 'off') {
        const zlibZstd = typeof (zlib as Record<string, unknown>)['createZstdDecompress'] === 'function';
        await best('ours, decompressed by the zstd program', reset, () => ours(image, target, 'auto', 'program'));
        if (zlibZstd) await best('ours, decompressed by Node zlib zstd', reset, () => ours(image, target, 'auto', 'in-process'));
        else console.log(`  (node ${process.version} has no zlib zstd)`);
        await best('ours, SHA-256 by the openssl program', reset, () => ours(image, target, 'auto', 'auto', 'program'));
      }
      console.log(`  ratio ours/faster dd: ${(oursAuto / faster).toFixed(2)} (other mode ${(oursOther / faster).toFixed(2)})`);
    }

    execFileSync('losetup', ['--direct-io=off', loop]);
    console.log('verify (read back after a cache flush):');
    await ours(image, loop, 'auto');
    const flush = (): void => {
      dropCaches();
      spawnSync('blockdev', ['--flushbufs', loop ?? '']);
    };
    const raw = join(temp.path, 'bench.raw');
    await sh(`zstd -dc ${image} > ${raw}`);
    console.log(`  load ${loadAverage()}`);
    const [cmp = NaN, verify = NaN] = await compare(flush, [
      { label: 'cmp image /dev/loopN', run: () => sh(`cmp -n ${imageBytes} ${raw} ${loop ?? ''}`) },
      { label: "ours: O_DIRECT read + SHA-256 (Node's crypto)", run: async () => void (await hashDeviceBytes(loop ?? '', imageBytes, true, { hash: resolveHashChoice('auto') })) },
      { label: 'ours: O_DIRECT read + SHA-256 (openssl program)', run: async () => void (await hashDeviceBytes(loop ?? '', imageBytes, true, { hash: 'program' })) },
    ]);
    console.log(`  load after: ${loadAverage()}`);
    console.log(`  ratio ours/cmp: ${(verify / cmp).toFixed(2)}`);
    const loopCardLike = results['loop device, direct I/O to its backing file (like a card)'];
    console.log(`summary: write ratio loop ${results['loop device']?.toFixed(2)}, loop with direct I/O (like a card) ${loopCardLike?.toFixed(2)}, file ${results['file']?.toFixed(2)}; verify ratio ${(verify / cmp).toFixed(2)}`);
  } finally {
    cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

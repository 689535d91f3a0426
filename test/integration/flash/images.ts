/**
 * Builds small SD-card-like images with the real tools (sfdisk, mkfs.vfat, mkfs.ext4, zstd, xz,
 * gzip) and attaches loop devices, for the flash integration tests and bench.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MIB = 1024 * 1024;

export interface TestImages {
  readonly raw: string;
  readonly zst: string;
  readonly xz: string;
  readonly gz: string;
  /** A Nix-result-like folder whose hydra-build-products names the .img.zst. */
  readonly result: string;
  readonly size: number;
  readonly sha256: string;
}

function sh(argv: readonly string[], input?: string): string {
  const [program, ...args] = argv;
  return execFileSync(program ?? 'false', args, { encoding: 'utf-8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * An MBR image of `sizeMib` MiB like a NixOS SD image: a FAT "FIRMWARE" partition at 1 MiB and an
 * ext4 "NIXOS_SD" partition holding `randomMib` MiB of random data (so it does not compress to
 * nothing), compressed three ways.
 */
export function buildImages(dir: string, options: { sizeMib: number; randomMib: number; name?: string }): TestImages {
  const name = options.name ?? 'nixos-sd-image';
  mkdirSync(dir, { recursive: true });
  const raw = join(dir, `${name}.img`);
  const fatStart = 2048;
  const fatSectors = 8 * 2048;
  const rootStart = fatStart + fatSectors;
  const rootSectors = options.sizeMib * 2048 - rootStart;
  sh(['truncate', '-s', `${options.sizeMib}M`, raw]);
  sh(['sfdisk', '--quiet', raw], `label: dos\nstart=${fatStart}, size=${fatSectors}, type=c, bootable\nstart=${rootStart}, size=${rootSectors}, type=83\n`);
  sh(['mkfs.vfat', '-n', 'FIRMWARE', `--offset=${fatStart}`, raw, String(fatSectors / 2)]);
  const content = join(dir, `${name}-root`);
  mkdirSync(join(content, 'boot', 'extlinux'), { recursive: true });
  writeFileSync(join(content, 'boot', 'extlinux', 'extlinux.conf'), `DEFAULT nixos-default\nLABEL nixos-default\n  MENU LABEL ${name}\n`);
  writeFileSync(join(content, 'random.bin'), randomFillSync(Buffer.alloc(options.randomMib * MIB)));
  sh(['mkfs.ext4', '-q', '-F', '-L', 'NIXOS_SD', '-d', content, '-E', `offset=${rootStart * 512}`, raw, `${rootSectors / 2}k`]);
  sh(['zstd', '-q', '-f', '-k', raw, '-o', `${raw}.zst`]);
  sh(['xz', '-q', '-f', '-k', '-0', '-T1', raw]);
  sh(['gzip', '-q', '-f', '-k', '-1', raw]);
  const result = join(dir, `${name}-result`);
  mkdirSync(join(result, 'nix-support'), { recursive: true });
  writeFileSync(join(result, 'nix-support', 'hydra-build-products'), `file sd-image ${raw}.zst\n`);
  return { raw, zst: `${raw}.zst`, xz: `${raw}.xz`, gz: `${raw}.gz`, result, size: options.sizeMib * MIB, sha256: sha256File(raw) };
}

/** A loop device over a new file of `sizeMib` MiB; `detach()` is idempotent. */
export function attachLoop(backing: string, sizeMib: number, options: { readOnly?: boolean } = {}): { readonly path: string; readonly backing: string; detach(): void } {
  sh(['truncate', '-s', `${sizeMib}M`, backing]);
  const path = sh(['losetup', '-f', '--show', ...(options.readOnly === true ? ['-r'] : []), backing]).trim();
  let attached = true;
  return {
    path,
    backing,
    detach(): void {
      if (!attached) return;
      attached = false;
      try {
        sh(['losetup', '-d', path]);
      } catch {
        // already gone
      }
    },
  };
}

export function run(argv: readonly string[], input?: string): string {
  return sh(argv, input);
}

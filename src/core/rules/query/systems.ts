/**
 * Nix system doubles and the pkgsCross platforms that name them. The doubles are nixpkgs'
 * lib/systems/doubles.nix (`lib.systems.doubles.all`, 2025); the platforms are the names of
 * lib/systems/examples.nix (what `pkgs.pkgsCross.<name>` accepts) with the double each one's
 * `config` triple elaborates to.
 */

export const KNOWN_DOUBLES: readonly string[] = [
  'i686-cygwin', 'x86_64-cygwin',
  'x86_64-darwin', 'i686-darwin', 'aarch64-darwin', 'armv7a-darwin',
  'i686-freebsd', 'x86_64-freebsd',
  'aarch64-genode', 'i686-genode', 'x86_64-genode',
  'x86_64-solaris',
  'javascript-ghcjs',
  'aarch64-linux', 'armv5tel-linux', 'armv6l-linux', 'armv7a-linux', 'armv7l-linux', 'i686-linux',
  'loongarch64-linux', 'm68k-linux', 'microblaze-linux', 'microblazeel-linux', 'mips-linux',
  'mips64-linux', 'mips64el-linux', 'mipsel-linux', 'powerpc64-linux', 'powerpc64le-linux',
  'riscv32-linux', 'riscv64-linux', 's390-linux', 's390x-linux', 'x86_64-linux',
  'mmix-mmixware',
  'aarch64-netbsd', 'armv6l-netbsd', 'armv7a-netbsd', 'armv7l-netbsd', 'i686-netbsd', 'm68k-netbsd',
  'mipsel-netbsd', 'powerpc-netbsd', 'riscv32-netbsd', 'riscv64-netbsd', 'x86_64-netbsd',
  'aarch64_be-none', 'aarch64-none', 'arm-none', 'armv6l-none', 'avr-none', 'i686-none',
  'microblaze-none', 'microblazeel-none', 'mips-none', 'mips64-none', 'msp430-none', 'or1k-none',
  'm68k-none', 'powerpc-none', 'powerpcle-none', 'riscv32-none', 'riscv64-none', 'rx-none',
  's390-none', 's390x-none', 'vc4-none', 'x86_64-none',
  'i686-openbsd', 'x86_64-openbsd',
  'x86_64-redox',
  'wasm64-wasi', 'wasm32-wasi',
  'x86_64-windows', 'i686-windows',
];

const DOUBLES: ReadonlySet<string> = new Set(KNOWN_DOUBLES);
const ARCHES: ReadonlySet<string> = new Set(KNOWN_DOUBLES.map((d) => d.split('-')[0] ?? ''));
const KERNELS: ReadonlySet<string> = new Set(KNOWN_DOUBLES.map((d) => d.split('-')[1] ?? ''));

export function isKnownDouble(system: string): boolean {
  return DOUBLES.has(system);
}

/** Whether a name is written like a system double (so a select like `packages.humility` is not one). */
export function looksLikeDouble(name: string): boolean {
  const parts = name.split('-');
  // `x86-64-linux`: a dash for the underscore, a common slip.
  if (parts.length === 3) return KERNELS.has(parts[2] ?? '');
  if (parts.length !== 2) return false;
  const [arch = '', kernel = ''] = parts;
  return ARCHES.has(arch) || KERNELS.has(kernel);
}

/** pkgsCross platform name → the system double its packages run on. */
export const PKGS_CROSS_PLATFORMS = {
  powernv: 'powerpc64le-linux', 'musl-power': 'powerpc64le-linux', ppc64: 'powerpc64-linux', 'ppc64-musl': 'powerpc64-linux',
  sheevaplug: 'armv5tel-linux', raspberryPi: 'armv6l-linux', bluefield2: 'aarch64-linux', remarkable1: 'armv7l-linux',
  remarkable2: 'armv7l-linux', 'armv7l-hf-multiplatform': 'armv7l-linux', 'aarch64-multiplatform': 'aarch64-linux',
  'armv7a-android-prebuilt': 'armv7a-linux', 'aarch64-android-prebuilt': 'aarch64-linux', 'aarch64-android': 'aarch64-linux',
  pogoplug4: 'armv5tel-linux', 'ben-nanonote': 'mipsel-linux', fuloongminipc: 'mipsel-linux', 'mips-linux-gnu': 'mips-linux',
  'mipsel-linux-gnu': 'mipsel-linux', 'mips64-linux-gnuabin32': 'mips64-linux', 'mips64el-linux-gnuabin32': 'mips64el-linux',
  'mips64-linux-gnuabi64': 'mips64-linux', 'mips64el-linux-gnuabi64': 'mips64el-linux', muslpi: 'armv6l-linux',
  'aarch64-multiplatform-musl': 'aarch64-linux', gnu64: 'x86_64-linux', gnu64_simplekernel: 'x86_64-linux', gnu32: 'i686-linux',
  musl64: 'x86_64-linux', musl32: 'i686-linux', riscv64: 'riscv64-linux', riscv32: 'riscv32-linux',
  'riscv64-embedded': 'riscv64-none', 'riscv32-embedded': 'riscv32-none', 'mips64-embedded': 'mips64-none',
  'mips-embedded': 'mips-none', 'loongarch64-linux': 'loongarch64-linux', mmix: 'mmix-mmixware', 'rx-embedded': 'rx-none',
  msp430: 'msp430-none', avr: 'avr-none', vc4: 'vc4-none', or1k: 'or1k-none', m68k: 'm68k-linux', s390: 's390-linux',
  s390x: 's390x-linux', 'arm-embedded': 'arm-none', 'armhf-embedded': 'arm-none', 'aarch64-embedded': 'aarch64-none',
  'aarch64be-embedded': 'aarch64_be-none', 'ppc-embedded': 'powerpc-none', 'ppcle-embedded': 'powerpcle-none',
  'i686-embedded': 'i686-none', 'x86_64-embedded': 'x86_64-none', 'microblaze-embedded': 'microblazeel-none',
  'x86_64-unknown-redox': 'x86_64-redox', iphone64: 'aarch64-darwin', iphone32: 'armv7a-darwin',
  'iphone64-simulator': 'x86_64-darwin', 'iphone32-simulator': 'i686-darwin', 'aarch64-darwin': 'aarch64-darwin',
  'x86_64-darwin': 'x86_64-darwin', mingw32: 'i686-windows', mingwW64: 'x86_64-windows', ucrt64: 'x86_64-windows',
  'x86_64-freebsd': 'x86_64-freebsd', 'x86_64-netbsd': 'x86_64-netbsd', 'x86_64-netbsd-llvm': 'x86_64-netbsd',
  'x86_64-openbsd': 'x86_64-openbsd', wasi32: 'wasm32-wasi', 'wasm32-unknown-none': 'wasm32-none', ghcjs: 'javascript-ghcjs',
} as const satisfies Readonly<Record<string, string>>;

const PLATFORMS: ReadonlyMap<string, string> = new Map(Object.entries(PKGS_CROSS_PLATFORMS));

export function pkgsCrossSystem(platform: string): string | undefined {
  return PLATFORMS.get(platform);
}

/** A GNU config triple (`armv7l-unknown-linux-gnueabihf`) or a double → the double Nix uses. */
export function systemOfTriple(value: string): string | undefined {
  if (DOUBLES.has(value)) return value;
  const parts = value.split('-');
  const arch = parts[0];
  if (arch === undefined || !ARCHES.has(arch)) return undefined;
  for (const part of parts.slice(1)) {
    const kernel = part === 'apple' ? undefined : part.replace(/\d+(\.\d+)*$/, '');
    if (kernel !== undefined && KERNELS.has(kernel)) return `${arch}-${kernel}`;
  }
  if (parts.includes('elf') || parts.includes('none')) return `${arch}-none`;
  return undefined;
}

/** Systems deploy-rs's flake builds `lib.<system>` for (flake-utils' defaultSystems). */
export const DEPLOY_RS_SYSTEMS: readonly string[] = ['x86_64-linux', 'aarch64-linux', 'x86_64-darwin', 'aarch64-darwin'];

/** Whether a machine of system `host` runs binaries built for `binary` without emulation. */
export function runsNatively(host: string, binary: string): boolean {
  if (host === binary) return true;
  const compatible: Readonly<Record<string, readonly string[]>> = {
    'x86_64-linux': ['i686-linux'],
    'armv7l-linux': ['armv6l-linux', 'armv5tel-linux'],
    'armv6l-linux': ['armv5tel-linux'],
  };
  return compatible[host]?.includes(binary) ?? false;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The closest candidate within `maxDistance` edits, if exactly one is closest. */
export function closest(word: string, candidates: readonly string[], maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  let tie = false;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > maxDistance) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}

/**
 * Can this machine build natively for a given Nix system? Nix builds a derivation locally only
 * when its `system` is the `system` setting or one of `extra-platforms`; running a foreign
 * builder then needs a binfmt_misc handler (qemu-user) for that architecture, which runs the
 * whole compiler emulated ("slow as dirt" in the seed). The UI warns and offers the flake's
 * cross variant (built by this machine's compiler for the target) instead.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageName } from './build-progress-model';
import type { FlakeOutputs, PackageOutput } from './flake-outputs-model';
import type { NixCli } from './nix-cli';

const ARCH: Readonly<Record<string, string>> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  arm: 'armv7l',
  ia32: 'i686',
  riscv64: 'riscv64',
  ppc64: 'powerpc64le',
  s390x: 's390x',
  loong64: 'loongarch64',
};

/** Node's process.arch/platform → a Nix system double (`x86_64-linux`). */
export function nixSystemOf(arch: string, platform: string): string {
  return `${ARCH[arch] ?? arch}-${platform === 'win32' ? 'windows' : platform}`;
}

/** ELF e_machine → Nix architecture names that machine runs (32-bit ARM: v5, v6, v7). */
const ELF_MACHINES: Readonly<Record<number, { readonly bits32: readonly string[]; readonly bits64: readonly string[] }>> = {
  0x03: { bits32: ['i686', 'i586', 'i486', 'i386'], bits64: [] },
  0x3e: { bits32: [], bits64: ['x86_64'] },
  0x28: { bits32: ['armv7l', 'armv6l', 'armv5tel'], bits64: [] },
  0xb7: { bits32: [], bits64: ['aarch64'] },
  0xf3: { bits32: ['riscv32'], bits64: ['riscv64'] },
  0x15: { bits32: [], bits64: ['powerpc64le', 'powerpc64'] },
  0x16: { bits32: [], bits64: ['s390x'] },
  0x102: { bits32: [], bits64: ['loongarch64'] },
};

export interface BinfmtHandler {
  readonly name: string;
  readonly enabled: boolean;
  readonly interpreter: string;
  /** Nix architecture names whose ELF binaries this handler runs. */
  readonly architectures: readonly string[];
}

/** Parses one /proc/sys/fs/binfmt_misc/<name> entry; undefined when it is not an ELF handler. */
export function parseBinfmtEntry(name: string, text: string): BinfmtHandler | undefined {
  const lines = text.split('\n');
  const value = (key: string): string | undefined =>
    lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1).trim();
  const magic = value('magic');
  const interpreter = value('interpreter') ?? '';
  const offset = Number(value('offset') ?? '0');
  if (magic === undefined || offset !== 0 || !magic.startsWith('7f454c46') || magic.length < 40) return undefined;
  const elfClass = magic.slice(8, 10); // 01: 32-bit, 02: 64-bit
  const littleEndian = magic.slice(10, 12) !== '02';
  const machineHex = littleEndian ? magic.slice(38, 40) + magic.slice(36, 38) : magic.slice(36, 40);
  const machine = ELF_MACHINES[Number.parseInt(machineHex, 16)];
  if (machine === undefined) return { name, enabled: lines[0] === 'enabled', interpreter, architectures: [] };
  return { name, enabled: lines[0] === 'enabled', interpreter, architectures: elfClass === '01' ? machine.bits32 : machine.bits64 };
}

/** Reads the binfmt_misc handlers of this machine; none when binfmt_misc is not mounted. */
export async function readBinfmtHandlers(dir = '/proc/sys/fs/binfmt_misc'): Promise<readonly BinfmtHandler[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const handlers: BinfmtHandler[] = [];
  for (const name of names) {
    if (name === 'register' || name === 'status') continue;
    try {
      const handler = parseBinfmtEntry(name, await readFile(join(dir, name), 'utf-8'));
      if (handler !== undefined) handlers.push(handler);
    } catch {
      // an entry removed while we read: skip it
    }
  }
  return handlers;
}

export interface NixPlatformSettings {
  readonly system: string;
  readonly extraPlatforms: readonly string[];
  /** The `builders` setting: remote machines may build other systems. */
  readonly builders: string;
}

/** Reads `system`, `extra-platforms` and `builders` from `nix show-config --json`. */
export async function readNixPlatformSettings(nix: NixCli, signal?: AbortSignal): Promise<NixPlatformSettings> {
  const data = await nix.json(['show-config', '--json'], { what: 'Reading the Nix settings', ...(signal === undefined ? {} : { signal }) });
  const setting = (key: string): unknown => {
    const entry = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
    return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['value'] : undefined;
  };
  const system = setting('system');
  const extra = setting('extra-platforms');
  const builders = setting('builders');
  return {
    system: typeof system === 'string' ? system : '',
    extraPlatforms: Array.isArray(extra) ? extra.filter((x): x is string => typeof x === 'string') : [],
    builders: typeof builders === 'string' ? builders : '',
  };
}

/**
 * - native: the machine's own system, or one its CPU runs without emulation (listed in
 *   extra-platforms and of an architecture family the CPU runs: i686 on x86_64)
 * - emulated: Nix accepts it (extra-platforms) and a binfmt handler runs it: it works, slowly
 * - no-binfmt: Nix accepts it but nothing runs its binaries: the build fails at the first exec
 * - unsupported: Nix refuses it ("a 'aarch64-linux' … is required to build …")
 */
export type NativeBuildVerdict = 'native' | 'emulated' | 'no-binfmt' | 'unsupported';

export interface ForeignSystemCheck {
  readonly targetSystem: string;
  readonly localSystem: string;
  readonly verdict: NativeBuildVerdict;
  /** The binfmt handler that would run it, when emulated. */
  readonly handler?: BinfmtHandler;
  /** Remote builders are configured: they may build it even when this machine cannot. */
  readonly remoteBuildersConfigured: boolean;
  readonly message: string;
}

/** CPUs that run another architecture's binaries without emulation. */
const RUNS_NATIVELY: Readonly<Record<string, readonly string[]>> = {
  x86_64: ['i686', 'i586', 'i486', 'i386'],
};

/** Pure: whether a native build for `targetSystem` can run here, and how. */
export function checkForeignSystem(
  targetSystem: string,
  settings: NixPlatformSettings,
  handlers: readonly BinfmtHandler[],
): ForeignSystemCheck {
  const localSystem = settings.system;
  const remoteBuildersConfigured = settings.builders.trim().length > 0 && !settings.builders.trim().startsWith('@');
  const base = { targetSystem, localSystem, remoteBuildersConfigured };
  const [targetArch = '', targetOs = ''] = splitSystem(targetSystem);
  const [localArch = '', localOs = ''] = splitSystem(localSystem);
  if (targetSystem === localSystem) return { ...base, verdict: 'native', message: `${targetSystem} is this machine's system.` };
  const accepted = settings.extraPlatforms.includes(targetSystem);
  if (!accepted) {
    return {
      ...base,
      verdict: 'unsupported',
      message: `This machine (${localSystem}) cannot build ${targetSystem} packages: it is not in Nix's extra-platforms. Build the cross variant, or add a binfmt handler and extra-platforms = ${targetSystem}.`,
    };
  }
  if (targetOs === localOs && (RUNS_NATIVELY[localArch] ?? []).includes(targetArch)) {
    return { ...base, verdict: 'native', message: `This ${localArch} CPU runs ${targetArch} binaries natively.` };
  }
  const handler = handlers.find((h) => h.enabled && h.architectures.includes(targetArch));
  if (handler === undefined) {
    return {
      ...base,
      verdict: 'no-binfmt',
      message: `Nix accepts ${targetSystem} builds here, but no binfmt handler runs ${targetArch} binaries: the build would fail. Build the cross variant, or install qemu-user-binfmt.`,
    };
  }
  return {
    ...base,
    verdict: 'emulated',
    handler,
    message: `${targetSystem} builds here run under ${handler.interpreter} (emulated): compilers run many times slower. The cross variant builds with this machine's compiler.`,
  };
}

function splitSystem(system: string): [string, string] {
  const dash = system.indexOf('-');
  return dash < 0 ? [system, ''] : [system.slice(0, dash), system.slice(dash + 1)];
}

/**
 * The flake's cross variant of a foreign-system package: a package listed under `localSystem`
 * (default: `pkg`'s own listing is foreign, so any other system), cross-built, for the same host
 * system, with the same package name. Pure.
 */
export function findCrossVariant(outputs: FlakeOutputs, pkg: PackageOutput, localSystem?: string): PackageOutput | undefined {
  const host = pkg.hostSystem ?? pkg.system;
  const wanted = baseName(pkg);
  const candidates = outputs.packages.filter(
    (p) => p !== pkg && p.isCross && p.hostSystem === host && p.system !== host && (localSystem === undefined || p.system === localSystem),
  );
  // nixpkgs names a cross-built package `<pname>-<host triple>-<version>` (hello-armv7l-unknown-linux-gnueabihf-2.12).
  return (
    candidates.find((p) => baseName(p) === wanted) ??
    candidates.find((p) => baseName(p).startsWith(`${wanted}-`)) ??
    candidates.find((p) => p.name === pkg.name)
  );
}

function baseName(pkg: PackageOutput): string {
  return pkg.drvName === undefined ? pkg.name : packageName(pkg.drvName);
}

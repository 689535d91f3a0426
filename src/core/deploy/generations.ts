/**
 * A device's system generations and boot menu, read over SFTP: the profile's `system-N-link`
 * links (times in UTC from each link's mtime; `nix-env --list-generations` prints local time
 * without a zone), each generation's NixOS version and kernel, which one is current
 * (/run/current-system) and booted (/run/booted-system), whether a reboot is needed, and
 * /boot/extlinux/extlinux.conf with each menu entry mapped to its generation.
 */
import { posix } from 'node:path';
import { bootMenuItems, mapEntriesToGenerations, parseExtlinux, type ExtlinuxMenu } from '../boot';
import { toDevicesError } from '../errors';
import type { RemoteFiles, SshConnection } from '../remote';
import type { BoardPaths } from './board-paths';

export interface Generation {
  readonly number: number;
  /** `/nix/store/…-nixos-system-…`. */
  readonly storePath: string;
  /** When the profile link was made, ISO 8601 in UTC. */
  readonly createdUtc: string;
  readonly nixosVersion?: string;
  /** The target of `<system>/kernel`. */
  readonly kernel?: string;
  /** The profile points at it: what boots by default and what `switch` made last. */
  readonly isProfile: boolean;
  readonly isCurrent: boolean;
  readonly isBooted: boolean;
}

/** Parts of a system whose change between current and booted needs a reboot. */
export type RebootReason = 'kernel' | 'initrd' | 'kernel-params' | 'dtbs';

export interface BootMenuRow {
  /** What to type at u-boot's `Enter choice:`. */
  readonly number: number;
  readonly label: string;
  /** u-boot's own text for it. */
  readonly text: string;
  readonly isDefault: boolean;
  readonly generation?: number;
  readonly systemPath?: string;
}

export interface DeviceGenerations {
  /** Oldest first. */
  readonly generations: readonly Generation[];
  readonly profileGeneration?: number;
  readonly currentSystem?: string;
  readonly bootedSystem?: string;
  readonly rebootNeeded: boolean;
  readonly rebootReasons: readonly RebootReason[];
  readonly bootMenu?: { readonly text: string; readonly menu: ExtlinuxMenu; readonly rows: readonly BootMenuRow[] };
  /** Why the boot menu could not be read (no extlinux.conf on a board booting otherwise). */
  readonly bootMenuError?: string;
}

async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** A link target made absolute (profile links may be relative to their folder). */
function absolute(dir: string, target: string): string {
  return target.startsWith('/') ? target : posix.join(dir, target);
}

async function resolveSystemLink(files: RemoteFiles, path: string): Promise<string | undefined> {
  // /run/current-system may point at a profile link rather than the store path itself.
  let current = path;
  for (let hops = 0; hops < 8; hops++) {
    const target = await optional(() => files.readlink(current));
    if (target === undefined) return hops === 0 ? undefined : current;
    current = absolute(posix.dirname(current), target);
    if (/^\/nix\/store\/[^/]+$/.test(current)) return current;
  }
  return current;
}

async function rebootReasons(files: RemoteFiles, current: string | undefined, booted: string | undefined): Promise<RebootReason[]> {
  if (current === undefined || booted === undefined || current === booted) return [];
  const reasons: RebootReason[] = [];
  for (const [reason, name] of [['kernel', 'kernel'], ['initrd', 'initrd'], ['dtbs', 'dtbs']] as const) {
    const a = await optional(() => files.readlink(`${current}/${name}`));
    const b = await optional(() => files.readlink(`${booted}/${name}`));
    if (a !== b) reasons.push(reason);
  }
  const paramsA = await optional(() => files.readFile(`${current}/kernel-params`));
  const paramsB = await optional(() => files.readFile(`${booted}/kernel-params`));
  if (paramsA?.toString('utf-8') !== paramsB?.toString('utf-8')) reasons.push('kernel-params');
  return reasons;
}

export async function readGenerations(connection: SshConnection, paths: BoardPaths): Promise<DeviceGenerations> {
  const files = await connection.sftp();
  const profileDir = posix.dirname(paths.profile);
  const pattern = new RegExp(`^${posix.basename(paths.profile).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)-link$`);
  const entries = (await optional(() => files.readdir(profileDir))) ?? [];
  const profileTarget = await optional(() => files.readlink(paths.profile));
  const profileMatch = profileTarget === undefined ? null : pattern.exec(posix.basename(profileTarget));
  const profileGeneration = profileMatch === null ? undefined : Number(profileMatch[1]);
  const currentSystem = await resolveSystemLink(files, paths.currentSystem);
  const bootedSystem = await resolveSystemLink(files, paths.bootedSystem);

  const generations: Generation[] = [];
  for (const entry of entries) {
    const match = pattern.exec(entry.name);
    if (match === null || entry.kind !== 'symlink') continue;
    const linkPath = posix.join(profileDir, entry.name);
    const storePath = absolute(profileDir, await files.readlink(linkPath));
    const version = await optional(() => files.readFile(`${storePath}/nixos-version`));
    const kernel = await optional(() => files.readlink(`${storePath}/kernel`));
    const number = Number(match[1]);
    generations.push({
      number,
      storePath,
      createdUtc: new Date(entry.mtime * 1000).toISOString(),
      ...(version === undefined ? {} : { nixosVersion: version.toString('utf-8').trim() }),
      ...(kernel === undefined ? {} : { kernel }),
      isProfile: number === profileGeneration,
      isCurrent: storePath === currentSystem,
      isBooted: storePath === bootedSystem,
    });
  }
  generations.sort((a, b) => a.number - b.number);
  const reasons = await rebootReasons(files, currentSystem, bootedSystem);
  const base: DeviceGenerations = {
    generations,
    ...(profileGeneration === undefined ? {} : { profileGeneration }),
    ...(currentSystem === undefined ? {} : { currentSystem }),
    ...(bootedSystem === undefined ? {} : { bootedSystem }),
    rebootNeeded: reasons.length > 0,
    rebootReasons: reasons,
  };
  try {
    const text = (await files.readFile(paths.extlinuxConf)).toString('utf-8');
    const menu = parseExtlinux(text);
    const mapped = mapEntriesToGenerations(menu, generations);
    const rows: BootMenuRow[] = bootMenuItems(menu).map((item, index) => {
      const generation = mapped[index]?.generation;
      const systemPath = item.entry.init?.systemPath;
      return {
        number: item.number,
        label: item.entry.label,
        text: item.text,
        isDefault: item.isDefault,
        ...(generation === undefined ? {} : { generation }),
        ...(systemPath === undefined ? {} : { systemPath }),
      };
    });
    return { ...base, bootMenu: { text, menu, rows } };
  } catch (error) {
    return { ...base, bootMenuError: toDevicesError(error).message };
  }
}

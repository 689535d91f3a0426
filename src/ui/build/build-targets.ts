/**
 * What can be built, for the palette's quick pick: every buildable output of the workspace's
 * flakes (images, NixOS systems, packages), most recently built first. Pure.
 */
import type { FlakeOutputs } from '../../core/nix';

export interface BuildTarget {
  readonly flakeDir: string;
  /** The attribute path nix builds, e.g. `images.vulpix`. */
  readonly attrPath: string;
  readonly label: string;
  readonly detail: string;
  readonly kind: 'image' | 'system' | 'package';
  /** For packages: the system it is listed under and the one it runs on. */
  readonly system?: string;
  readonly hostSystem?: string;
}

export function buildTargets(flakes: readonly FlakeOutputs[], recent: readonly string[]): BuildTarget[] {
  const targets: BuildTarget[] = [];
  for (const flake of flakes) {
    for (const image of flake.images) {
      targets.push({ flakeDir: flake.flakeDir, attrPath: image.attrPath, label: image.attrPath, detail: image.drvName ?? 'SD image', kind: 'image' });
    }
    for (const configuration of flake.nixosConfigurations) {
      targets.push({
        flakeDir: flake.flakeDir,
        attrPath: `${configuration.attrPath}.config.system.build.toplevel`,
        label: `${configuration.attrPath}`,
        detail: `NixOS system for ${configuration.hostSystem ?? '?'}`,
        kind: 'system',
      });
    }
    for (const pkg of flake.packages) {
      targets.push({
        flakeDir: flake.flakeDir,
        attrPath: pkg.attrPath,
        label: pkg.attrPath,
        detail: `${pkg.drvName ?? ''}${pkg.isCross ? ` · runs on ${pkg.hostSystem ?? '?'} (cross)` : ''}`,
        kind: 'package',
        system: pkg.system,
        ...(pkg.hostSystem === undefined ? {} : { hostSystem: pkg.hostSystem }),
      });
    }
  }
  const rank = (t: BuildTarget): number => {
    const i = recent.indexOf(installableOfTarget(t));
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return targets.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i).map(({ t }) => t);
}

export function installableOfTarget(target: Pick<BuildTarget, 'flakeDir' | 'attrPath'>): string {
  return `${target.flakeDir}#${target.attrPath}`;
}

/** Keeps the most recent first, without duplicates, at most `max`. */
export function rememberRecent(recent: readonly string[], installable: string, max = 20): string[] {
  return [installable, ...recent.filter((r) => r !== installable)].slice(0, max);
}

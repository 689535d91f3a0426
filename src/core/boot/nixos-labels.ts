/**
 * What NixOS's extlinux generator puts in labels, menu labels and APPEND lines, read back.
 *
 * Source: nixpkgs nixos/modules/system/boot/loader/generic-extlinux-compatible/
 * extlinux-conf-builder.sh. `addEntry` writes, per entry:
 *   LABEL nixos-$tag
 *     MENU LABEL NixOS - Default                                  (tag "default")
 *     MENU LABEL NixOS - Configuration $tag ($timestamp - $nixosLabel)
 *     APPEND init=$path/init $extraParams
 * where $tag is the generation number (before specialisation support, e.g. nixpkgs@000b272ea30a)
 * or "$generation-default" / "$generation-$specialisation" (nixpkgs@8ee7ca3fd50f and later),
 * $timestamp is `date "+%Y-%m-%d %H:%M"` of the store path's ctime and $nixosLabel the
 * system's nixos-version file.
 */

/** What a LABEL name says about the entry. */
export type NixosEntryTag =
  /** `nixos-default`: the configuration being activated, listed first. */
  | { readonly kind: 'default' }
  /** `nixos-42` (older NixOS) or `nixos-42-default` / `nixos-42-<specialisation>`. */
  | { readonly kind: 'generation'; readonly generation: number; readonly specialisation?: string; readonly labelFormat: LabelFormat }
  /** Not written by NixOS. */
  | { readonly kind: 'other' };

/** `plain` = `nixos-42`; `specialisations` = `nixos-42-default` / `nixos-42-<name>`. */
export type LabelFormat = 'plain' | 'specialisations';

const LABEL_PATTERN = /^nixos-(\d+)(?:-(.+))?$/;

export function parseNixosLabel(label: string): NixosEntryTag {
  if (label === 'nixos-default') return { kind: 'default' };
  const match = LABEL_PATTERN.exec(label);
  if (match === null) return { kind: 'other' };
  const generation = Number(match[1]);
  const suffix = match[2];
  if (suffix === undefined) return { kind: 'generation', generation, labelFormat: 'plain' };
  // "<N>-default" is the generation itself; any other suffix names one of its specialisations.
  if (suffix === 'default') return { kind: 'generation', generation, labelFormat: 'specialisations' };
  return { kind: 'generation', generation, specialisation: suffix, labelFormat: 'specialisations' };
}

/** The parts of a NixOS menu label ("NixOS - Configuration 42-default (2024-05-01 10:00 - 24.05…)"). */
export interface NixosMenuLabel {
  readonly isDefault: boolean;
  readonly generation?: number;
  readonly specialisation?: string;
  /** `%Y-%m-%d %H:%M` as the board's clock saw the store path's ctime (1970 without a clock). */
  readonly dateText?: string;
  /** The nixos-version file, e.g. `24.05.20240501.abcdef0`. */
  readonly versionText?: string;
}

const MENU_LABEL_PATTERN = /^NixOS - Configuration (\d+)(?:-(\S+))? \((\d{4}-\d{2}-\d{2} \d{2}:\d{2}) - (.*)\)$/;

/** Parses a menu label as NixOS writes it; undefined for any other text. */
export function parseNixosMenuLabel(text: string): NixosMenuLabel | undefined {
  if (text === 'NixOS - Default') return { isDefault: true };
  const match = MENU_LABEL_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, generation, suffix, dateText, versionText] = match;
  return {
    isDefault: false,
    generation: Number(generation),
    ...(suffix !== undefined && suffix !== 'default' ? { specialisation: suffix } : {}),
    ...(dateText !== undefined ? { dateText } : {}),
    ...(versionText !== undefined ? { versionText } : {}),
  };
}

/** The `init=` parameter of an APPEND line and the system it belongs to. */
export interface AppendInit {
  /** `/nix/store/<hash>-nixos-system-<host>-<version>/init` */
  readonly initPath: string;
  /** The system closure: initPath without `/init` (a specialisation's own store path for those). */
  readonly systemPath: string;
}

export interface ParsedAppend {
  readonly init?: AppendInit;
  /** Every parameter except `init=`, in order (the system's kernel-params file). */
  readonly kernelParams: readonly string[];
}

export function parseAppend(append: string): ParsedAppend {
  const words = append.split(/\s+/).filter((w) => w.length > 0);
  let init: AppendInit | undefined;
  const kernelParams: string[] = [];
  for (const word of words) {
    if (init === undefined && word.startsWith('init=')) {
      const initPath = word.slice('init='.length);
      const systemPath = initPath.endsWith('/init') ? initPath.slice(0, -'/init'.length) : initPath;
      init = { initPath, systemPath };
    } else {
      kernelParams.push(word);
    }
  }
  return { ...(init !== undefined ? { init } : {}), kernelParams };
}

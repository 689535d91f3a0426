/**
 * What a build looks like at one moment: plain data for the Build view, the notification, the
 * status bar and the CLI's progress line. BuildProgress (build-progress.ts) produces it from
 * Nix's internal-json events.
 */
import type { NixPosition } from './internal-json';

/**
 * - planned: will be built (from the dry-run plan), not started yet
 * - running: its Build activity has started
 * - done / failed: its Build activity stopped and Nix counted it as built / failed
 * - interrupted: it stopped without Nix counting it either way (a cancel)
 */
export type DerivationState = 'planned' | 'running' | 'done' | 'failed' | 'interrupted';

export interface DerivationStatus {
  readonly drvPath: string;
  /** The derivation name, e.g. `gcc-12.3.0` (store path without hash and `.drv`). */
  readonly name: string;
  readonly state: DerivationState;
  /** The build phase Nix last reported (SetPhase), e.g. `buildPhase`. */
  readonly phase?: string;
  /** The remote builder, when not built locally. */
  readonly machine?: string;
  /** Epoch milliseconds. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** The last lines of its log (bounded); emptied when it succeeds, to bound memory. */
  readonly logTail: readonly string[];
  /** Nix's error for it ("builder for … failed with exit code 3"). */
  readonly error?: string;
}

export type TransferKind = 'copy' | 'substitute' | 'download';

export interface TransferStatus {
  readonly kind: TransferKind;
  /** The store path copied or substituted, or the URL downloaded. */
  readonly what: string;
  readonly doneBytes: number;
  /** 0 while unknown. */
  readonly expectedBytes: number;
  readonly startedAt: number;
}

/** Nix's own counts for an activity: its Progress result `[done, expected, running, failed]`. */
export interface NixCounts {
  readonly done: number;
  readonly expected: number;
  readonly running: number;
  readonly failed: number;
}

export interface BuildMessage {
  readonly level: number;
  /** ANSI stripped; store paths are not mapped here (the build maps them for the user). */
  readonly text: string;
  readonly rawText?: string;
  readonly position?: NixPosition;
}

export interface DerivationCounts {
  readonly planned: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
}

export interface BuildProgressSnapshot {
  /** Increases on every change, so a renderer can skip redraws when nothing changed. */
  readonly version: number;
  readonly startedAt: number;
  /** Counts derived from Build start/stop events (planned: from the plan or Nix's expected). */
  readonly counts: DerivationCounts;
  /** Nix's Progress on its Builds activity (104); undefined until Nix sends one. */
  readonly nixBuilds?: NixCounts;
  /** Nix's Progress on CopyPaths (103): paths copied or substituted. */
  readonly nixCopies?: NixCounts;
  /** SetExpected totals by activity type, e.g. {101: bytes to download, 100: bytes to copy}. */
  readonly expected: Readonly<Record<number, number>>;
  /** Every derivation seen or planned (bounded: the oldest finished ones are dropped first). */
  readonly derivations: readonly DerivationStatus[];
  /** Transfers in flight. */
  readonly transfers: readonly TransferStatus[];
  readonly transfersDone: number;
  /** Errors Nix reported (level 0), bounded. */
  readonly errors: readonly BuildMessage[];
  readonly warnings: number;
  /** True when a plan seeded the derivations: one not in it is already in the store. */
  readonly planSeeded: boolean;
}

/** `/nix/store/<hash>-gcc-12.3.0.drv` → `gcc-12.3.0`. */
export function derivationName(drvPath: string): string {
  const base = drvPath.slice(drvPath.lastIndexOf('/') + 1);
  const withoutHash = /^[0-9a-z]{32}-/.test(base) ? base.slice(33) : base;
  return withoutHash.endsWith('.drv') ? withoutHash.slice(0, -4) : withoutHash;
}

/**
 * The package name of a derivation name, as Nix's parseDrvName splits it: the version starts at
 * the first `-` followed by a non-letter. `gcc-12.3.0` → `gcc`, `linux-6.1.55-modules` → `linux`.
 */
export function packageName(name: string): string {
  const match = /-[^A-Za-z]/.exec(name);
  return match === null ? name : name.slice(0, match.index);
}

/**
 * Messages between the deploy diff's host (src/ui/webviews/deploy-diff-panel.ts) and its
 * front-end: the closure diff a deploy is about to apply, and the user's Deploy / Cancel.
 * Type-only: both sides switch on `type` exhaustively.
 */

export interface DiffRow {
  readonly kind: 'changed' | 'added' | 'removed';
  readonly name: string;
  /** Versions before and after ("" for a path without one); empty on the side it is absent. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly sizeDelta: number;
}

export interface DeployDiffState {
  readonly node: string;
  readonly host: string;
  /** The new system's store name, without the hash. */
  readonly system: string;
  /** undefined: the device has no current system to compare with (a first deploy). */
  readonly diff?: {
    readonly summary: string;
    readonly rows: readonly DiffRow[];
    readonly sizeBefore: number;
    readonly sizeAfter: number;
    readonly pathsAdded: number;
    readonly pathsRemoved: number;
  };
  /** Set once the user chose; the buttons are then gone. */
  readonly decision?: 'deploy' | 'cancel';
}

export type ToWebview = { readonly type: 'state'; readonly state: DeployDiffState };

export type FromWebview = { readonly type: 'ready' } | { readonly type: 'deploy' } | { readonly type: 'cancel' };

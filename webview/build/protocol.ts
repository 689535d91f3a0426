/**
 * Messages between the Build view's host (src/ui/webviews/build-panel.ts) and its front-end.
 * Type-only: both sides switch on `type` exhaustively.
 */

export type BuildViewNodeState = 'planned' | 'running' | 'done' | 'failed' | 'interrupted' | 'cached' | 'waiting';

export interface BuildViewNode {
  readonly drvPath: string;
  readonly name: string;
  readonly state: BuildViewNodeState;
  readonly phase?: string;
  readonly elapsedMs?: number;
  readonly logTail?: readonly string[];
  readonly repeated: boolean;
  readonly children: readonly BuildViewNode[];
}

export interface BuildViewState {
  readonly title: string;
  readonly status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  readonly phase: string;
  readonly elapsedMs: number;
  readonly counts: { readonly planned: number; readonly running: number; readonly done: number; readonly failed: number };
  /** An estimate of the time left from earlier builds of the same packages, when known. */
  readonly etaMs?: number;
  readonly transfers: readonly { readonly kind: string; readonly what: string; readonly doneBytes: number; readonly expectedBytes: number }[];
  readonly tree: readonly BuildViewNode[];
  readonly errors: readonly string[];
  readonly result?: { readonly paths: readonly string[]; readonly closureBytes?: number; readonly sdImage?: string };
  readonly failure?: { readonly message: string; readonly drvPath?: string; readonly logTail: readonly string[] };
}

export type ToWebview = { readonly type: 'state'; readonly state: BuildViewState };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'cancel' }
  | { readonly type: 'openLog'; readonly drvPath: string }
  | { readonly type: 'reveal'; readonly path: string }
  | { readonly type: 'copyPath'; readonly path: string };

/**
 * From a build's live state (core's BuildProgress snapshot, the .drv graph, the Job's outcome)
 * to what the Build view shows. Pure and free of `vscode`, so it is unit-tested.
 */
import type { JobOutcome } from '../../core/jobs';
import { buildDerivationTree, type BuildProgressSnapshot, type BuildResult, type DerivationGraph, type DerivationStatus } from '../../core/nix';
import type { BuildViewNode, BuildViewState } from '../../../webview/build/protocol';

export interface BuildViewInput {
  readonly title: string;
  readonly phase: string;
  readonly snapshot: BuildProgressSnapshot;
  readonly graph?: DerivationGraph;
  readonly outcome?: JobOutcome<BuildResult>;
  readonly etaMs?: number;
  /** The result's closure size, measured after the build ended (the result shows first). */
  readonly closureBytes?: number;
  readonly now: number;
}

/** Without the graph yet, the derivations Nix told us about, as a flat list. */
function flatTree(derivations: readonly DerivationStatus[], now: number): BuildViewNode[] {
  return derivations.map((d) => ({
    drvPath: d.drvPath,
    name: d.name,
    state: d.state,
    repeated: false,
    children: [],
    ...(d.phase === undefined || d.state !== 'running' ? {} : { phase: d.phase }),
    ...(d.startedAt === undefined ? {} : { elapsedMs: (d.finishedAt ?? now) - d.startedAt }),
    ...(d.state === 'failed' ? { logTail: d.logTail } : {}),
  }));
}

export function buildViewState(input: BuildViewInput): BuildViewState {
  const { snapshot, outcome } = input;
  const tree = input.graph === undefined ? flatTree(snapshot.derivations, input.now) : (buildDerivationTree(input.graph, snapshot, { now: input.now }) as BuildViewNode[]);
  const status: BuildViewState['status'] =
    outcome === undefined ? 'running' : outcome.status === 'succeeded' ? 'succeeded' : outcome.status === 'cancelled' ? 'cancelled' : 'failed';
  const failed = snapshot.derivations.find((d) => d.state === 'failed');
  let result: BuildViewState['result'];
  if (outcome?.status === 'succeeded') {
    const image = firstImage(outcome.value);
    result = {
      paths: outcome.value.targets.flatMap((t) => Object.values(t.outputs)),
      ...((outcome.value.closureBytes ?? input.closureBytes) === undefined ? {} : { closureBytes: outcome.value.closureBytes ?? input.closureBytes }),
      ...(image === undefined ? {} : { sdImage: image }),
    };
  }
  const failure =
    outcome?.status === 'failed'
      ? { message: outcome.error.message, logTail: failed?.logTail ?? [], ...(failed === undefined ? {} : { drvPath: failed.drvPath }) }
      : undefined;
  return {
    title: input.title,
    status,
    phase: outcome === undefined ? input.phase : status,
    elapsedMs: input.now - snapshot.startedAt,
    counts: snapshot.counts,
    ...(input.etaMs === undefined || outcome !== undefined ? {} : { etaMs: input.etaMs }),
    transfers: snapshot.transfers.map((t) => ({ kind: t.kind, what: t.what, doneBytes: t.doneBytes, expectedBytes: t.expectedBytes })),
    tree,
    errors: snapshot.errors.map((e) => e.text),
    ...(result === undefined ? {} : { result }),
    ...(failure === undefined ? {} : { failure }),
  };
}

function firstImage(result: BuildResult): string | undefined {
  return result.targets.find((t) => t.sdImage !== undefined)?.sdImage;
}

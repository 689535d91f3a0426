/**
 * The derivation tree of the Build view: edges from the .drv graph (`nix show-derivation -r
 * INSTALLABLE`, each derivation's `inputDrvs`), states from a BuildProgress snapshot. The graph
 * is a DAG with shared dependencies; the tree shows a shared node in full once and as a
 * reference elsewhere, so its size stays linear in the graph.
 */
import type { NixCli } from './nix-cli';
import { derivationName, type BuildProgressSnapshot, type DerivationState, type DerivationStatus } from './build-progress-model';

export interface DerivationNode {
  readonly drvPath: string;
  readonly name: string;
  readonly inputDrvs: readonly string[];
}

export interface DerivationGraph {
  readonly nodes: ReadonlyMap<string, DerivationNode>;
  /** Derivations no other derivation in the graph depends on (the targets). */
  readonly roots: readonly string[];
}

/** A derivation not tracked by the build: already in the store when a plan was seeded. */
export type TreeState = DerivationState | 'cached' | 'waiting';

export interface DerivationTreeNode {
  readonly drvPath: string;
  readonly name: string;
  readonly state: TreeState;
  readonly phase?: string;
  /** Running: time since start; finished: its duration. */
  readonly elapsedMs?: number;
  /** Failed: the last log lines. */
  readonly logTail?: readonly string[];
  /** True where a shared derivation appears again: its children are shown at its first place. */
  readonly repeated: boolean;
  readonly children: readonly DerivationTreeNode[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses `nix show-derivation -r --json` output (an object keyed by .drv path). */
export function parseDerivationGraph(json: unknown): DerivationGraph {
  const nodes = new Map<string, DerivationNode>();
  if (!isRecord(json)) return { nodes, roots: [] };
  for (const [drvPath, value] of Object.entries(json)) {
    const inputs = isRecord(value) && isRecord(value['inputDrvs']) ? Object.keys(value['inputDrvs']) : [];
    const name = isRecord(value) && isRecord(value['env']) && typeof value['env']['name'] === 'string' ? value['env']['name'] : derivationName(drvPath);
    nodes.set(drvPath, { drvPath, name, inputDrvs: inputs });
  }
  const depended = new Set<string>();
  for (const node of nodes.values()) for (const input of node.inputDrvs) depended.add(input);
  const roots = [...nodes.keys()].filter((p) => !depended.has(p)).sort();
  return { nodes, roots };
}

/** Every edge `[dependent, dependency]` of the graph, sorted (tests compare it with Nix's). */
export function derivationEdges(graph: DerivationGraph): readonly (readonly [string, string])[] {
  const edges: [string, string][] = [];
  for (const node of graph.nodes.values()) for (const input of node.inputDrvs) edges.push([node.drvPath, input]);
  return edges.sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
}

export interface DerivationTreeOptions {
  /** Epoch milliseconds for elapsed times. */
  readonly now?: number;
  /** Keep subtrees in which nothing is built (all cached); default false: they are dropped. */
  readonly includeCached?: boolean;
}

/** The tree under the graph's roots with each node's state from the snapshot. */
export function buildDerivationTree(
  graph: DerivationGraph,
  snapshot: BuildProgressSnapshot,
  options: DerivationTreeOptions = {},
): readonly DerivationTreeNode[] {
  const byPath = new Map<string, DerivationStatus>();
  for (const d of snapshot.derivations) byPath.set(d.drvPath, d);
  const now = options.now ?? Date.now();
  const untracked: TreeState = snapshot.planSeeded ? 'cached' : 'waiting';

  // Which subtrees hold anything built, computed once per node (memoised DFS).
  const active = new Map<string, boolean>();
  const isActive = (path: string, stack: Set<string>): boolean => {
    const known = active.get(path);
    if (known !== undefined) return known;
    if (stack.has(path)) return false; // a cycle cannot occur in a store, but a bad input must not hang us
    stack.add(path);
    const self = byPath.has(path) || untracked === 'waiting';
    const any = (graph.nodes.get(path)?.inputDrvs ?? []).reduce((acc, input) => isActive(input, stack) || acc, self);
    stack.delete(path);
    active.set(path, any);
    return any;
  };

  const seen = new Set<string>();
  const visit = (path: string): DerivationTreeNode => {
    const status = byPath.get(path);
    const node = graph.nodes.get(path);
    const repeated = seen.has(path);
    seen.add(path);
    const children = repeated
      ? []
      : (node?.inputDrvs ?? [])
          .filter((input) => options.includeCached === true || isActive(input, new Set()))
          .map(visit);
    const elapsed =
      status?.startedAt === undefined ? undefined : (status.finishedAt ?? now) - status.startedAt;
    return {
      drvPath: path,
      name: status?.name ?? node?.name ?? derivationName(path),
      state: status?.state ?? untracked,
      repeated,
      children,
      ...(status?.phase === undefined || status.state !== 'running' ? {} : { phase: status.phase }),
      ...(elapsed === undefined ? {} : { elapsedMs: elapsed }),
      ...(status?.state === 'failed' ? { logTail: status.logTail } : {}),
    };
  };
  return graph.roots.filter((r) => options.includeCached === true || isActive(r, new Set())).map(visit);
}

/** Runs `nix show-derivation -r INSTALLABLES` and parses the graph. */
export async function readDerivationGraph(
  nix: NixCli,
  installables: readonly string[],
  options: { readonly cwd?: string; readonly signal?: AbortSignal; readonly extraArgs?: readonly string[] } = {},
): Promise<DerivationGraph> {
  const json = await nix.json(['show-derivation', '-r', ...(options.extraArgs ?? []), ...installables], {
    what: `Reading the derivations of ${installables.join(' ')}`,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd, fallbackSourceDir: options.cwd }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return parseDerivationGraph(json);
}

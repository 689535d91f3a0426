/**
 * The deploy diff webview's state from core's ClosureDiff: one row per package, the biggest
 * changes first (what a reviewer looks at), kept free of `vscode` so it is unit-tested.
 */
import { summarizeDiff, type ClosureDiff } from '../../core/deploy';
import type { DeployDiffState, DiffRow } from '../../../webview/deploy-diff/protocol';

export function diffRows(diff: ClosureDiff): DiffRow[] {
  const rows: DiffRow[] = [
    ...diff.changed.map((c) => ({ kind: 'changed' as const, name: c.name, before: c.before, after: c.after, sizeDelta: c.sizeDelta })),
    ...diff.added.map((a) => ({ kind: 'added' as const, name: a.name, before: [], after: a.versions, sizeDelta: a.size })),
    ...diff.removed.map((r) => ({ kind: 'removed' as const, name: r.name, before: r.versions, after: [], sizeDelta: -r.size })),
  ];
  return rows.sort((a, b) => Math.abs(b.sizeDelta) - Math.abs(a.sizeDelta) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function deployDiffState(node: string, host: string, systemPath: string, diff: ClosureDiff | undefined): DeployDiffState {
  const system = systemPath.replace(/^\/nix\/store\/[a-z0-9]{32}-/, '');
  if (diff === undefined) return { node, host, system };
  return {
    node,
    host,
    system,
    diff: {
      summary: summarizeDiff(diff),
      rows: diffRows(diff),
      sizeBefore: diff.sizeBefore,
      sizeAfter: diff.sizeAfter,
      pathsAdded: diff.pathsAdded,
      pathsRemoved: diff.pathsRemoved,
    },
  };
}

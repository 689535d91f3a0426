import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  BuildProgress,
  buildDerivationTree,
  derivationEdges,
  parseDerivationGraph,
  parseNixLogLine,
  type DerivationTreeNode,
} from '../../../../src/core/nix';

const LOGS = join(__dirname, '../../../fixtures/nix-logs');
const showDerivation = JSON.parse(readFileSync(join(LOGS, 'nix-2.8-show-derivation-chain.json'), 'utf-8')) as Record<string, { inputDrvs: Record<string, unknown> }>;

function treeEdges(nodes: readonly DerivationTreeNode[], into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    for (const child of node.children) into.add(`${node.drvPath} ${child.drvPath}`);
    treeEdges(node.children, into);
  }
  return into;
}

describe('derivation tree', () => {
  it('has exactly the edges of the .drv graph from nix show-derivation -r', () => {
    const graph = parseDerivationGraph(showDerivation);
    const expected = Object.entries(showDerivation).flatMap(([drv, value]) => Object.keys(value.inputDrvs).map((input) => `${drv} ${input}`));
    assert.equal(expected.length, 45); // 24 nodes, each but the first two with 2 inputs, the second with 1
    assert.deepEqual(new Set(derivationEdges(graph).map(([a, b]) => `${a} ${b}`)), new Set(expected));
    const progress = new BuildProgress();
    for (const line of readFileSync(join(LOGS, 'nix-2.8-build-chain.log'), 'utf-8').split('\n')) progress.apply(parseNixLogLine(line));
    const tree = buildDerivationTree(graph, progress.snapshot());
    assert.equal(tree.length, 1);
    assert.equal(tree[0]?.name, 'chain-xray-1.0');
    assert.deepEqual(treeEdges(tree), new Set(expected));
  });

  it('shows a shared derivation in full once and as a repeated leaf elsewhere', () => {
    const graph = parseDerivationGraph(showDerivation);
    const progress = new BuildProgress();
    progress.plan(graph.nodes.keys());
    const tree = buildDerivationTree(graph, progress.snapshot());
    const counts = new Map<string, { full: number; repeated: number }>();
    const walk = (nodes: readonly DerivationTreeNode[]): void => {
      for (const n of nodes) {
        const c = counts.get(n.drvPath) ?? { full: 0, repeated: 0 };
        if (n.repeated) c.repeated++;
        else c.full++;
        counts.set(n.drvPath, c);
        assert.equal(n.state, 'planned');
        walk(n.children);
      }
    };
    walk(tree);
    assert.equal(counts.size, 24);
    assert.ok([...counts.values()].every((c) => c.full === 1));
    assert.ok([...counts.values()].some((c) => c.repeated > 0));
  });

  it('drops subtrees already in the store once a plan says what will be built', () => {
    const graph = parseDerivationGraph(showDerivation);
    const progress = new BuildProgress();
    const root = graph.roots[0] ?? '';
    progress.plan([root]);
    const tree = buildDerivationTree(graph, progress.snapshot());
    assert.equal(tree.length, 1);
    assert.deepEqual(tree[0]?.children, []);
    assert.equal(buildDerivationTree(graph, progress.snapshot(), { includeCached: true })[0]?.children[0]?.state, 'cached');
  });
});

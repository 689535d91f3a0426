import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { BuildProgress, parseDerivationGraph, parseNixLogLine } from '../../../../src/core/nix';
import { buildViewState } from '../../../../src/ui/webviews/build-view-state';

const A = '/nix/store/00000000000000000000000000000000-a-1.drv';
const B = '/nix/store/11111111111111111111111111111111-b-1.drv';

function progressWith(lines: string[], now: () => number): BuildProgress {
  const progress = new BuildProgress({ now });
  for (const line of lines) progress.apply(parseNixLogLine(line));
  return progress;
}

describe('buildViewState', () => {
  let clock = 1_000;
  const now = (): number => clock;
  const lines = [
    `@nix {"action":"start","id":1,"level":3,"type":105,"text":"building","fields":["${B}","",1,1],"parent":0}`,
    `@nix {"action":"result","id":1,"type":104,"fields":["buildPhase"]}`,
  ];

  it('shows a running build as a flat list until the graph is known, with phase and elapsed time', () => {
    const progress = progressWith(lines, now);
    clock = 4_000;
    const state = buildViewState({ title: 'Build x', phase: 'building', snapshot: progress.snapshot(), now: clock, etaMs: 60_000 });
    assert.equal(state.status, 'running');
    assert.deepEqual(state.tree.map((n) => [n.name, n.state, n.phase, n.elapsedMs]), [['b-1', 'running', 'buildPhase', 3_000]]);
    assert.equal(state.etaMs, 60_000);
  });

  it('nests derivations by the .drv graph once it is known', () => {
    const progress = progressWith(lines, now);
    const graph = parseDerivationGraph({ [A]: { inputDrvs: { [B]: ['out'] } }, [B]: { inputDrvs: {} } });
    const state = buildViewState({ title: 'Build x', phase: 'building', snapshot: progress.snapshot(), graph, now: clock });
    assert.equal(state.tree.length, 1);
    assert.equal(state.tree[0]?.name, 'a-1');
    assert.equal(state.tree[0]?.children[0]?.name, 'b-1');
  });

  it('shows a failed outcome with its message, and no ETA once finished', () => {
    const progress = progressWith(lines, now);
    const state = buildViewState({
      title: 'Build x',
      phase: 'building',
      snapshot: progress.snapshot(),
      outcome: { status: 'failed', error: new DevicesError('NIX_BUILD_FAILED', 'b-1 failed') },
      now: clock,
      etaMs: 5,
    });
    assert.equal(state.status, 'failed');
    assert.equal(state.failure?.message, 'b-1 failed');
    assert.equal(state.etaMs, undefined);
  });
});

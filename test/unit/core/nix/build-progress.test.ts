import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BuildProgress, parseNixLogLine } from '../../../../src/core/nix';

const LOGS = join(__dirname, '../../../fixtures/nix-logs');

function replay(file: string, progress = new BuildProgress()): BuildProgress {
  for (const line of readFileSync(join(LOGS, file), 'utf-8').split('\n')) progress.apply(parseNixLogLine(line));
  return progress;
}

/** Nix's last Progress result on its Builds activity (104), read straight from the log. */
function lastNixBuildCounts(file: string): number[] {
  let builds: number | undefined;
  let last: number[] = [];
  for (const line of readFileSync(join(LOGS, file), 'utf-8').split('\n')) {
    if (!line.startsWith('@nix ')) continue;
    const data = JSON.parse(line.slice(5)) as { action: string; id: number; type: number; fields?: number[] };
    if (data.action === 'start' && data.type === 104) builds = data.id;
    if (data.action === 'result' && data.id === builds && data.type === 105 && data.fields !== undefined) last = data.fields;
  }
  return last;
}

describe('BuildProgress on recorded Nix 2.8 logs', () => {
  it('counts a 24-derivation chain as done, in agreement with Nix final Progress', () => {
    const snapshot = replay('nix-2.8-build-chain.log').snapshot();
    const [done, expected, running, failed] = lastNixBuildCounts('nix-2.8-build-chain.log');
    assert.deepEqual(snapshot.counts, { planned: 0, running: 0, done: 24, failed: 0 });
    assert.deepEqual([snapshot.counts.done, snapshot.counts.running, snapshot.counts.failed], [done, running, failed]);
    assert.equal(expected, 24);
    assert.deepEqual(snapshot.nixBuilds, { done: 24, expected: 24, running: 0, failed: 0 });
    assert.equal(snapshot.derivations.length, 24);
    assert.ok(snapshot.derivations.every((d) => d.state === 'done' && d.name.startsWith('chain-') && d.logTail.length === 0));
    assert.deepEqual(snapshot.errors, []);
  });

  it('names the failing derivation with its error and log tail', () => {
    const snapshot = replay('nix-2.8-build-failing.log').snapshot();
    assert.deepEqual(snapshot.counts, { planned: 0, running: 0, done: 1, failed: 1 });
    const failed = snapshot.derivations.filter((d) => d.state === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.name, 'failing-3.1');
    assert.match(failed[0]?.error ?? '', /^builder for '\/nix\/store\/\w+-failing-3\.1\.drv' failed with exit code 3$/);
    assert.equal(failed[0]?.logTail.at(-1), 'error: unit 31 does not compile');
    assert.equal(failed[0]?.logTail.at(-2), 'compiling unit 30');
    assert.equal(failed[0]?.phase, 'buildPhase');
  });

  it('marks a build stopped by a cancel as interrupted, not done', () => {
    const snapshot = replay('nix-2.8-build-cancel.log').snapshot();
    assert.equal(snapshot.counts.done, 0);
    assert.equal(snapshot.counts.running, 0);
    const slow = snapshot.derivations.find((d) => d.name === 'slow-0.1');
    assert.equal(slow?.state, 'interrupted');
    assert.deepEqual(slow?.logTail, ['configuring slow-0.1', 'slow builder started']);
    assert.match(snapshot.errors[0]?.text ?? '', /interrupted by the user/);
  });

  it('keeps an evaluation error with its file, line and column, ANSI stripped', () => {
    const snapshot = replay('nix-2.8-build-eval-error.log').snapshot();
    const error = snapshot.errors[0];
    assert.equal(error?.position?.line, 9);
    assert.equal(error?.position?.column, 26);
    assert.match(error?.position?.file ?? '', /^\/nix\/store\/\w{32}-source\/flake\.nix$/);
    assert.equal(error?.rawText, 'cannot add a string to an integer');
    assert.ok(!(error?.text ?? "").includes("\u001b"));
  });

  it('reports the phase of a running build', () => {
    const progress = new BuildProgress();
    const lines = readFileSync(join(LOGS, 'nix-2.8-build-cancel.log'), 'utf-8').split('\n');
    for (const line of lines.slice(0, lines.findIndex((l) => l.includes('slow builder started')) + 1)) progress.apply(parseNixLogLine(line));
    const slow = progress.snapshot().derivations.find((d) => d.name === 'slow-0.1');
    assert.equal(slow?.state, 'running');
    assert.equal(slow?.phase, 'buildPhase');
    assert.equal(progress.counts().running, 1);
  });
});

const nixLine = (data: unknown): string => `@nix ${JSON.stringify(data)}`;

describe('BuildProgress on lines newer Nix sends', () => {
  it('ignores activity types 112/113, result types 109/110 and payload objects', () => {
    const progress = replay('nix-2.8-build-chain.log');
    const before = progress.snapshot();
    for (const line of [
      nixLine({ action: 'start', id: 900, level: 4, type: 112, text: 'fetching tree', fields: [], payload: { url: 'github:x/y' } }),
      nixLine({ action: 'start', id: 901, level: 4, type: 113, text: 'copying to store', parent: 900, payload: { a: [1, 2] } }),
      nixLine({ action: 'result', id: 900, type: 109, fields: [], payload: { fetched: true } }),
      nixLine({ action: 'result', id: 901, type: 110, payload: { bytes: 3 } }),
      nixLine({ action: 'result', id: 901, type: 105, fields: ['not', 'numbers'] }),
      nixLine({ action: 'future-action', id: 3 }),
      nixLine({ action: 'stop', id: 901 }),
      nixLine({ action: 'stop', id: 900 }),
      '@nix {"action":"start", broken json',
      'plain builder output',
    ]) {
      assert.doesNotThrow(() => progress.apply(parseNixLogLine(line)));
    }
    const after = progress.snapshot();
    assert.deepEqual(after.counts, before.counts);
    assert.deepEqual(after.transfers, []);
  });

  it('follows downloads, substitutions and copies with byte progress and SetExpected', () => {
    const progress = new BuildProgress({ now: () => 1000 });
    progress.apply(parseNixLogLine(nixLine({ action: 'start', id: 1, type: 102, text: '', level: 0 })));
    progress.apply(parseNixLogLine(nixLine({ action: 'start', id: 2, type: 103, text: '', level: 0 })));
    progress.apply(parseNixLogLine(nixLine({ action: 'result', id: 1, type: 106, fields: [101, 5000] })));
    progress.apply(parseNixLogLine(nixLine({ action: 'start', id: 3, type: 108, text: "copying '/nix/store/a-gcc'", fields: ['/nix/store/a-gcc', 'https://cache.nixos.org'] })));
    progress.apply(parseNixLogLine(nixLine({ action: 'start', id: 4, type: 101, parent: 3, text: 'downloading', fields: ['https://cache.nixos.org/nar/x.nar.xz'] })));
    progress.apply(parseNixLogLine(nixLine({ action: 'result', id: 4, type: 105, fields: [1200, 5000, 0, 0] })));
    progress.apply(parseNixLogLine(nixLine({ action: 'result', id: 2, type: 105, fields: [0, 1, 1, 0] })));
    let snapshot = progress.snapshot();
    assert.equal(snapshot.expected[101], 5000);
    assert.deepEqual(snapshot.nixCopies, { done: 0, expected: 1, running: 1, failed: 0 });
    assert.deepEqual(
      snapshot.transfers.map((t) => [t.kind, t.what, t.doneBytes, t.expectedBytes]),
      [
        ['substitute', '/nix/store/a-gcc', 0, 0],
        ['download', 'https://cache.nixos.org/nar/x.nar.xz', 1200, 5000],
      ],
    );
    progress.apply(parseNixLogLine(nixLine({ action: 'stop', id: 4 })));
    progress.apply(parseNixLogLine(nixLine({ action: 'stop', id: 3 })));
    snapshot = progress.snapshot();
    assert.equal(snapshot.transfers.length, 0);
    assert.equal(snapshot.transfersDone, 2);
  });

  it('keeps memory bounded: a fixed log tail and cut lines however long the log', () => {
    const progress = new BuildProgress({ logTailLines: 10 });
    progress.apply(parseNixLogLine(nixLine({ action: 'start', id: 7, type: 105, text: '', fields: ['/nix/store/00000000000000000000000000000000-big-1.0.drv', '', 1, 1] })));
    for (let i = 0; i < 30_000; i++) progress.apply(parseNixLogLine(nixLine({ action: 'result', id: 7, type: 101, fields: [`line ${i}`] })));
    progress.apply(parseNixLogLine(nixLine({ action: 'result', id: 7, type: 101, fields: ['x'.repeat(100_000)] })));
    const tail = progress.snapshot().derivations[0]?.logTail ?? [];
    assert.equal(tail.length, 10);
    assert.equal(tail[0], 'line 29991');
    assert.ok((tail.at(-1)?.length ?? 0) < 2000);
  });

  it('drops the oldest built derivations beyond its cap but keeps counting them', () => {
    const progress = new BuildProgress({ maxDerivations: 5 });
    progress.apply(parseNixLogLine(nixLine({ action: 'start', id: 1, type: 104, text: '' })));
    for (let i = 0; i < 20; i++) {
      const drv = `/nix/store/${String(i).padStart(32, '0')}-p${i}-1.drv`;
      progress.apply(parseNixLogLine(nixLine({ action: 'start', id: 100 + i, type: 105, text: '', fields: [drv, '', 1, 1] })));
      progress.apply(parseNixLogLine(nixLine({ action: 'result', id: 1, type: 105, fields: [i + 1, 20, 0, 0] })));
      progress.apply(parseNixLogLine(nixLine({ action: 'stop', id: 100 + i })));
    }
    const snapshot = progress.snapshot();
    assert.equal(snapshot.counts.done, 20);
    assert.ok(snapshot.derivations.length <= 5);
  });

  it('shows planned derivations from a plan until they start', () => {
    const progress = new BuildProgress();
    progress.plan(['/nix/store/11111111111111111111111111111111-a-1.drv', '/nix/store/22222222222222222222222222222222-b-1.drv']);
    assert.deepEqual(progress.counts(), { planned: 2, running: 0, done: 0, failed: 0 });
    assert.equal(progress.snapshot().planSeeded, true);
  });
});

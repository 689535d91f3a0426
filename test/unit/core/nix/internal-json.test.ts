import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseNixLogLine } from '../../../../src/core/nix';

const LOGS = join(__dirname, '../../../fixtures/nix-logs');

describe('parseNixLogLine', () => {
  it('parses every line of the recorded 2.8 logs as internal-json, none as plain', () => {
    for (const file of ['nix-2.8-build-chain.log', 'nix-2.8-build-failing.log', 'nix-2.8-build-cancel.log', 'nix-2.8-build-eval-error.log']) {
      const lines = readFileSync(join(LOGS, file), 'utf-8').split('\n').filter((l) => l.length > 0);
      assert.ok(lines.length > 0);
      for (const line of lines) assert.notEqual(parseNixLogLine(line).kind, 'plain', line);
    }
  });

  it('carries unknown activity and result types and ignores payload objects', () => {
    assert.deepEqual(parseNixLogLine('@nix {"action":"start","id":5,"level":4,"type":113,"text":"x","payload":{"k":1}}'), {
      kind: 'start', id: 5, type: 113, level: 4, text: 'x', parent: 0, fields: [],
    });
    assert.deepEqual(parseNixLogLine('@nix {"action":"result","id":5,"type":110,"payload":{"k":[1]}}'), { kind: 'result', id: 5, type: 110, fields: [] });
    assert.deepEqual(parseNixLogLine('@nix {"action":"result","id":5,"type":109,"fields":[1],"extra":true}'), { kind: 'result', id: 5, type: 109, fields: [1] });
  });

  it('passes non-JSON and unknown actions through as plain text, ANSI stripped', () => {
    assert.deepEqual(parseNixLogLine('\u001b[1mhello\u001b[0m'), { kind: 'plain', text: 'hello' });
    assert.equal(parseNixLogLine('@nix {not json').kind, 'plain');
    assert.equal(parseNixLogLine('@nix [1,2]').kind, 'plain');
    assert.equal(parseNixLogLine('@nix {"action":"later"}').kind, 'plain');
  });
});

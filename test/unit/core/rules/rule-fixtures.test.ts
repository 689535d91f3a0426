/**
 * Every rule's fixtures in test/fixtures/rules/<rule-id>/: each `fires-*.nix` gets exactly the
 * number of that rule's findings its first line announces (`# fires: N`), each `quiet-*.nix`
 * none; every fix applies, parses and removes its finding.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, checkText, RULES } from '../../../../src/core/rules';

const FIXTURES = join(__dirname, '../../../fixtures/rules');
const TODAY = new Date('2026-11-25T12:00:00Z');

describe('rule fixtures', () => {
  it('every rule has a fixture that fires it and one that must not', () => {
    for (const rule of RULES) {
      const files = readdirSync(join(FIXTURES, rule.id));
      assert.ok(files.some((f) => f.startsWith('fires-')), `${rule.id} has no fires- fixture`);
      assert.ok(files.some((f) => f.startsWith('quiet-')), `${rule.id} has no quiet- fixture`);
    }
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      for (const file of readdirSync(join(FIXTURES, rule.id)).sort()) {
        const text = readFileSync(join(FIXTURES, rule.id, file), 'utf8');
        const result = checkText(text, { today: TODAY });
        const mine = result.findings.filter((f) => f.ruleId === rule.id);
        if (file.startsWith('quiet-')) {
          it(`${file}: no finding`, () => {
            assert.deepEqual(result.failures, []);
            assert.deepEqual(mine.map((f) => `${text.slice(f.start, f.end)}: ${f.message}`), []);
          });
          continue;
        }
        const expected = Number(/^# fires: (\d+)/.exec(text)?.[1]);
        it(`${file}: ${expected} finding(s)`, () => {
          assert.deepEqual(result.failures, []);
          assert.equal(mine.length, expected, mine.map((f) => `${text.slice(f.start, f.end)}: ${f.message}`).join('\n'));
        });
        it(`${file}: every fix parses and removes its finding`, () => {
          for (const finding of mine) {
            for (const fix of finding.fixes) {
              const fixed = applyEdits(text, fix.edits);
              const after = checkText(fixed, { today: TODAY });
              assert.deepEqual(after.parse.errors, [], `${fix.title}:\n${fixed}`);
              assert.equal(after.findings.filter((f) => f.ruleId === rule.id).length, mine.length - 1, `${fix.title}:\n${fixed}`);
            }
          }
        });
      }
    });
  }
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, checkText, offsetToPosition } from '../../../../src/core/rules';

const SEED_DIR = join(__dirname, '../../../fixtures/seed');
/** The golden files were written for this date (nixos-23.05 long out of support). */
const TODAY = new Date('2026-11-25T12:00:00Z');

interface Golden {
  readonly diagnostics: readonly { code: string; severity: string; covers: string; line: number }[];
  readonly mustNotAppear: readonly { code: string; why: string }[];
}

function isGolden(value: unknown): value is Golden {
  return typeof value === 'object' && value !== null && Array.isArray((value as { diagnostics?: unknown }).diagnostics) && Array.isArray((value as { mustNotAppear?: unknown }).mustNotAppear);
}

const flakes = readdirSync(SEED_DIR).filter((f) => f.endsWith('.nix')).sort();

describe('the seed flakes get exactly their golden diagnostics', () => {
  it('finds all eight seed flakes', () => {
    assert.equal(flakes.length, 8);
  });

  for (const file of flakes) {
    const text = readFileSync(join(SEED_DIR, file), 'utf8');
    const golden: unknown = JSON.parse(readFileSync(join(SEED_DIR, file.replace(/\.nix$/, '.expected.json')), 'utf8'));
    const result = checkText(text, { today: TODAY });

    it(`${file}: the expected diagnostics and no others`, () => {
      assert.ok(isGolden(golden));
      assert.deepEqual(result.failures, []);
      const actual = result.findings.map((f) => ({ code: f.ruleId, severity: f.severity, line: offsetToPosition(text, f.start).line + 1, text: text.slice(f.start, f.end) }));
      const expected = [...golden.diagnostics].sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
      const sorted = [...actual].sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
      assert.deepEqual(
        sorted.map(({ code, severity, line }) => ({ code, severity, line })),
        expected.map(({ code, severity, line }) => ({ code, severity, line })),
      );
      sorted.forEach((a, i) => {
        const covers = expected[i]?.covers ?? '';
        assert.ok(a.text.includes(covers), `${a.code} on line ${a.line} covers "${a.text}", not "${covers}"`);
      });
      for (const absent of golden.mustNotAppear) {
        assert.ok(!result.findings.some((f) => f.ruleId === absent.code), `${absent.code} must not appear: ${absent.why}`);
      }
    });

    it(`${file}: every fix parses and removes its finding`, () => {
      for (const finding of result.findings) {
        for (const fix of finding.fixes) {
          const fixed = applyEdits(text, fix.edits);
          const after = checkText(fixed, { today: TODAY });
          assert.deepEqual(after.parse.errors, [], `${fix.title} leaves a syntax error`);
          const still = after.findings.filter((f) => f.ruleId === finding.ruleId).length;
          const before = result.findings.filter((f) => f.ruleId === finding.ruleId).length;
          assert.equal(still, before - 1, `${fix.title} does not remove its ${finding.ruleId} finding`);
        }
      }
    });
  }
});

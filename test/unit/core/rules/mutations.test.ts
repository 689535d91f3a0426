/** Rules read broken and odd trees too: on mutated seed flakes no rule may throw. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkText } from '../../../../src/core/rules';

const SEED_DIR = join(__dirname, '../../../fixtures/seed');
const CASES = 400;

/** mulberry32: a small seeded PRNG so that a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['{', '}', '[', ']', '(', ')', ';', '=', '.', ':', '@', ',', 'rec', 'let', 'in', 'with', 'inherit', '"', "''", '${', '//', '++', ' x ', ' self ', ' deploy-rs.lib.x86_64-linux ', ' boot.binfmt.emulatedSystems ', ' "armv7l-linux" ', ' imports = [ ', ' nixosModules.vulpix '];

describe('rules on mutated flakes', () => {
  it(`never throw on ${CASES} token-level mutations of the seed flakes`, () => {
    const seed = Number(process.env['RULES_FUZZ_SEED'] ?? 20261125);
    const random = prng(seed);
    const sources = readdirSync(SEED_DIR).filter((f) => f.endsWith('.nix')).map((f) => readFileSync(join(SEED_DIR, f), 'utf8'));
    for (let i = 0; i < CASES; i++) {
      let text = sources[Math.floor(random() * sources.length)] ?? '';
      for (let m = 1 + Math.floor(random() * 4); m > 0; m--) {
        const at = Math.floor(random() * text.length);
        const end = at + Math.floor(random() * 12);
        const piece = random() < 0.3 ? '' : (PIECES[Math.floor(random() * PIECES.length)] ?? '');
        text = text.slice(0, at) + piece + text.slice(end);
      }
      const result = checkText(text);
      assert.deepEqual(result.failures, [], `seed ${seed}, case ${i}:\n${text}`);
      for (const f of result.findings) assert.ok(f.start >= 0 && f.end >= f.start && f.end <= text.length, `seed ${seed}, case ${i}: bad range`);
    }
  });
});

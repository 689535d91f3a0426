/**
 * The differential test of core/lang against Nix's own parser (Debian nix-bin 2.8):
 * thousands of generated expressions and token-level mutations of real flakes, each checked to
 * be rejected by us exactly when (and for the reason) Nix rejects it.
 *
 * Deliberate differences from Nix 2.8, kept out of the comparison (never generated):
 * - `|>` and `<|` (current Nix's pipe operators): parsed, with a 'pipe-operator' diagnostic;
 *   2.8 fails on the '|'.
 * - builtins added after 2.8 (NEWER_GLOBAL_NAMES in builtins.ts) are accepted as globals.
 * - nesting deeper than the parser's limit (1500 levels) is an error here, not in Nix.
 * - positions: ours are UTF-16 offsets, Nix's are bytes; texts here are ASCII, no NUL, no CR.
 * - which duplicate Nix names first depends on its symbol order; only the kind is compared.
 *
 * NIX_PARSER_SEED and NIX_PARSER_CASES override the seed and the number of cases.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { realNixSources } from '../../harness/nix-sources';
import { nixAvailable } from '../../harness/nix';
import { makeTempDir } from '../../harness/temp-dir';
import { classify, compare, ourVerdict } from './nix-compare';
import { NixGenerator, Rng } from './nix-gen';
import { mutate } from './nix-mutate';
import { runNix } from './nix-oracle';

const DEFAULT_SEED = 20261125;
const DEFAULT_CASES = 5000;

/** ASCII without NUL and CR: positions then mean the same to Nix (bytes) and to us (UTF-16). */
function plainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 13 || c > 127) return false;
  }
  return true;
}

function makeCases(seed: number, count: number): { texts: string[]; kinds: string[]; counts: Map<string, number> } {
  const rng = new Rng(seed);
  const generator = new NixGenerator(rng);
  const counts = generator.counts;
  const flakes = realNixSources();
  const texts: string[] = [];
  const kinds: string[] = [];
  while (texts.length < count) {
    const r = rng.int(100);
    let text: string;
    let kind: string;
    if (r < 70) {
      kind = 'generated';
      text = generator.expr();
    } else if (r < 85) {
      kind = 'mutated expression';
      text = mutate(generator.expr(), rng, counts);
    } else {
      kind = 'mutated flake';
      text = mutate(rng.pick(flakes), rng, counts);
    }
    // Deliberate differences stay out (see above).
    if (text.includes('|>') || text.includes('<|') || !plainAscii(text)) continue;
    texts.push(text);
    kinds.push(kind);
  }
  return { texts, kinds, counts };
}

describe('core/lang against nix-instantiate --parse', { skip: !nixAvailable() && 'nix is not installed' }, () => {
  const dir = makeTempDir('lang-diff');
  after(() => dir.remove());

  it('rejects exactly what Nix 2.8 rejects, for the same reason, over thousands of cases', { timeout: 900_000 }, async () => {
    const seed = Number(process.env['NIX_PARSER_SEED'] ?? DEFAULT_SEED);
    const total = Number(process.env['NIX_PARSER_CASES'] ?? DEFAULT_CASES);
    const started = Date.now();
    const { texts, kinds, counts } = makeCases(seed, total);
    const files = texts.map((text, i) => {
      const file = join(dir.path, `case-${String(i).padStart(5, '0')}.nix`);
      writeFileSync(file, text);
      return file;
    });
    const ourStart = Date.now();
    const expectAccept = texts.map((t) => ourVerdict(t).accept);
    const ourMs = Date.now() - ourStart;
    const { verdicts, processes } = await runNix(files, expectAccept);
    const disagreements: string[] = [];
    let rejected = 0;
    const tally = new Map<string, number>();
    const bump = (key: string): void => void tally.set(key, (tally.get(key) ?? 0) + 1);
    texts.forEach((text, i) => {
      const nix = verdicts[i] ?? { ok: true };
      bump(`${kinds[i] ?? '?'} ${nix.ok ? 'accepted' : 'rejected'}`);
      if (!nix.ok) {
        rejected++;
        bump(`nix: ${classify(nix.message).code}`);
      }
      const result = compare(text, nix);
      if (!result.agree) disagreements.push(`${files[i]}\n  text: ${JSON.stringify(text).slice(0, 400)}\n  nix:  ${result.nix}\n  ours: ${result.ours}`);
    });
    const productions = [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    console.log(`seed ${seed}: ${texts.length} cases, ${rejected} rejected by Nix (${((100 * rejected) / texts.length).toFixed(1)} %), ` +
      `${disagreements.length} disagreements; ${processes} nix processes, ${Date.now() - started} ms in all, ${ourMs} ms in our parser`);
    console.log(`cases: ${[...tally.entries()].sort().map(([k, v]) => `${k}=${v}`).join(', ')}`);
    console.log(`productions: ${productions.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (disagreements.length > 0) console.log(disagreements.slice(0, 20).join('\n'));
    assert.equal(disagreements.length, 0, `${disagreements.length} disagreements with Nix (seed ${seed})`);
    assert.ok(texts.length >= Math.min(total, DEFAULT_CASES));
    assert.ok(rejected / texts.length >= 0.3, `only ${rejected} of ${texts.length} cases are rejected by Nix`);
  });
});

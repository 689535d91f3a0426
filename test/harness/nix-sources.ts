/**
 * Real Nix text for the parser's differential, fuzz and bench inputs: the realistic files in
 * test/fixtures/lang and the seed's four flakes from test/fixtures/seed (one copy of each).
 * The order is fixed (it seeds the generated cases): the lang files sorted by name, then the
 * seed flakes in the order their former copies sorted (deploy, humility, image, vendor kernel).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');
const SEED_FLAKES = ['04-deploy-rs.nix', '01-humility-flake.nix', '02-minimal-image.nix', '03-vendor-kernel.nix'];

export function realNixSources(): string[] {
  const lang = readdirSync(join(FIXTURES, 'lang'))
    .filter((f) => f.endsWith('.nix'))
    .sort()
    .map((f) => readFileSync(join(FIXTURES, 'lang', f), 'utf8'));
  return [...lang, ...SEED_FLAKES.map((f) => readFileSync(join(FIXTURES, 'seed', f), 'utf8'))];
}

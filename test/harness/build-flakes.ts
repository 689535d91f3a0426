/**
 * Copies an offline fixture flake (test/fixtures/build-flakes/<name>) to a temp dir, outside the
 * git repo, with a params.json carrying a fresh nonce: the store already holds whatever an earlier
 * run built, so every run needs new derivations to build anything at all.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const BUILD_FLAKES = join(__dirname, '../fixtures/build-flakes');

export function copyBuildFlake(name: string, into: string, params: { readonly pidDir?: string; readonly benchCount?: number } = {}): string {
  const dir = join(into, `${name}-${randomBytes(4).toString('hex')}`);
  cpSync(join(BUILD_FLAKES, name), dir, { recursive: true });
  writeFileSync(join(dir, 'params.json'), JSON.stringify({ nonce: randomBytes(8).toString('hex'), pidDir: params.pidDir ?? into, ...(params.benchCount === undefined ? {} : { benchCount: params.benchCount }) }));
  return dir;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system temp dir; `remove()` is idempotent. Call it in `after`. */
export function makeTempDir(prefix: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `nd-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

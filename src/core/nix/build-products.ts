/**
 * What a build produced beyond its store paths: Hydra's `nix-support/hydra-build-products`
 * (nixpkgs' sd-image writes `file sd-image /nix/store/…/sd-image/x.img.zst` there), and the
 * closure size from `nix path-info -rS --json`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NixCli } from './nix-cli';

export interface BuildProduct {
  /** `file`, `doc`, `report`… */
  readonly type: string;
  /** `sd-image`, `iso`, `binary-dist`… */
  readonly subtype: string;
  readonly path: string;
}

/** Parses hydra-build-products: `<type> <subtype> <path> [<default path>]` per line. */
export function parseHydraBuildProducts(text: string): readonly BuildProduct[] {
  const products: BuildProduct[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+)\s+(\S+)\s+("[^"]+"|\S+)/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) {
      products.push({ type: match[1], subtype: match[2], path: match[3].replace(/^"|"$/g, '') });
    }
  }
  return products;
}

/** The SD image a build produced (`file sd-image …`), or undefined when it is not an image. */
export async function findSdImage(outPath: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(outPath, 'nix-support', 'hydra-build-products'), 'utf-8');
  } catch {
    return undefined; // most outputs have no build products
  }
  const products = parseHydraBuildProducts(text).filter((p) => p.type === 'file');
  return (products.find((p) => p.subtype === 'sd-image') ?? products.find((p) => /\.img(?:\.zst|\.xz|\.gz)?$/.test(p.path)))?.path;
}

/** Bytes of the union of the closures of `paths` (each store path counted once). */
export function closureBytesOf(pathInfoJson: unknown): number {
  // 2.8 prints an array of {path, narSize, …}; newer Nix an object keyed by path.
  const entries: [string, unknown][] = Array.isArray(pathInfoJson)
    ? pathInfoJson.map((e: unknown, i): [string, unknown] => [pathOf(e) ?? String(i), e])
    : typeof pathInfoJson === 'object' && pathInfoJson !== null
      ? Object.entries(pathInfoJson)
      : [];
  const seen = new Set<string>();
  let total = 0;
  for (const [path, info] of entries) {
    if (seen.has(path) || typeof info !== 'object' || info === null) continue;
    seen.add(path);
    const narSize = (info as Record<string, unknown>)['narSize'];
    if (typeof narSize === 'number') total += narSize;
  }
  return total;
}

function pathOf(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const path = (entry as Record<string, unknown>)['path'];
  return typeof path === 'string' ? path : undefined;
}

export async function readClosureBytes(
  nix: NixCli,
  paths: readonly string[],
  options: { readonly storeArgs?: readonly string[]; readonly signal?: AbortSignal } = {},
): Promise<number> {
  const json = await nix.json(['path-info', '-rS', '--json', ...(options.storeArgs ?? []), ...paths], {
    what: 'Measuring the closure',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return closureBytesOf(json);
}

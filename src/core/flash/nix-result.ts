/**
 * A Nix build result folder (`./result` of `nix build .#…sdImage`) to the image file inside.
 * Hydra's convention, which nixpkgs' sd-image and iso-image modules follow, lists the products
 * in `nix-support/hydra-build-products`, one per line: `file sd-image /nix/store/…-x.img.zst`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DevicesError } from '../errors';
import { formatForName } from './formats';

export interface BuildProduct {
  readonly type: string;
  readonly subtype: string;
  readonly path: string;
}

export function parseHydraBuildProducts(text: string): BuildProduct[] {
  const products: BuildProduct[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+)\s+(\S+)\s+(\S.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) {
      products.push({ type: match[1], subtype: match[2], path: match[3] });
    }
  }
  return products;
}

/** Folders nixpkgs puts images in, tried when there is no products file. */
const IMAGE_FOLDERS = ['sd-image', 'iso', '.'] as const;

/** The image in a result folder; NOT_FOUND naming the folder when there is none. */
export async function findImageInResult(folder: string): Promise<string> {
  let productsText: string | undefined;
  try {
    productsText = await readFile(join(folder, 'nix-support', 'hydra-build-products'), 'utf-8');
  } catch {
    productsText = undefined;
  }
  if (productsText !== undefined) {
    const product = parseHydraBuildProducts(productsText).find((p) => p.type === 'file' && formatForName(p.path) !== undefined);
    if (product !== undefined) return product.path;
  }
  for (const sub of IMAGE_FOLDERS) {
    let names: string[];
    try {
      names = (await readdir(join(folder, sub))).sort();
    } catch {
      continue;
    }
    const name = names.find((n) => formatForName(n) !== undefined);
    if (name !== undefined) return join(folder, sub, name);
  }
  throw new DevicesError('NOT_FOUND', `No image found in ${folder}: it has no nix-support/hydra-build-products and no sd-image/ or iso/ image. Is it the result of building an sdImage?`);
}

/**
 * Literal productions of the generator (numbers, strings, indented strings, paths), including
 * the near-misses Nix rejects (out-of-range numbers, trailing slashes) at a low rate.
 */
import type { Rng } from './seeded-rng';

/** What the literal productions need from the generator. */
export interface GeneratorHost {
  readonly rng: Rng;
  depth: number;
  count(production: string): void;
  expr(scope: readonly string[]): string;
  simple(scope: readonly string[]): string;
}

export function genNumber(g: GeneratorHost): string {
  const forms = ['0', '42', '007', '1.5', '1.', '.5', '0.5e3', '2.5E-2', '01.5', '9223372036854775807', '3.', '0.0'];
  // Out of range for Nix: rare, each is one rejection.
  const bad = ['9223372036854775808', '1.0e400', '1.0e-400', '1e3', '2.0e-310'];
  const s = g.rng.chance(0.03) ? g.rng.pick(bad) : g.rng.pick(forms);
  g.count(/[.eE]/.test(s) ? 'float-like' : 'int');
  return s;
}

export function genString(g: GeneratorHost, scope: readonly string[]): string {
  g.count('string');
  const pieces = ['abc', ' ', '\\n', '\\"', '\\\\', '\\$', '$', '$$', '\\${x}', '$x', "'", '\\t', 'a\nb', '{', '}'];
  let s = '"';
  const n = g.rng.int(4);
  for (let i = 0; i < n; i++) {
    if (g.rng.chance(0.25) && g.depth < 6) {
      g.count('string-interpolation');
      g.depth++;
      try {
        s += `\${${g.expr(scope)}}`;
      } finally {
        g.depth--;
      }
    } else s += g.rng.pick(pieces);
  }
  return `${s}"`;
}

export function genIndString(g: GeneratorHost, scope: readonly string[]): string {
  g.count('ind-string');
  const pieces = ['abc', '\n  line', "''$", "'''", "''\\n", "''\\t", '$', '$$', "'", "a'b", '"', '\\n', '  ', '{}', "''${"];
  let s = g.rng.chance(0.5) ? "''\n" : "''";
  const n = g.rng.int(4);
  for (let i = 0; i < n; i++) {
    if (g.rng.chance(0.25) && g.depth < 6) {
      g.count('ind-string-interpolation');
      g.depth++;
      try {
        s += `\${${g.expr(scope)}}`;
      } finally {
        g.depth--;
      }
    } else {
      const piece = g.rng.pick(pieces);
      // "''${" would open an escaped interpolation marker only with the brace closed after it
      s += piece === "''${" ? "''${x}" : piece;
    }
  }
  // A piece ending in ' would turn the closing '' into the ''' escape.
  return `${s}${s.endsWith("'") ? ' ' : ''}''`;
}

export function genPath(g: GeneratorHost, scope: readonly string[]): string {
  const r = g.rng.int(10);
  if (r < 5) {
    g.count('path');
    if (g.rng.chance(0.03)) return g.rng.pick(['./a/', 'a/b//c', '~/']);
    return g.rng.pick(['./a', './a/b.nix', '../x', '/abs/path', 'a/b', 'a/b/c-d_e+f', '~/conf', '<nixpkgs>', '<nixpkgs/lib>', './.', '.../x', '-/x', '+a/b']);
  }
  g.count('path-interpolated');
  const v = g.depth < 6 ? g.simple(scope) : 'null';
  return g.rng.pick([`./a/\${${v}}`, `./\${${v}}`, `./a\${${v}}/b`, `~/\${${v}}`, `a/\${${v}}.nix`, `/x/\${${v}}/y/\${${v}}`]);
}

/**
 * Where an output is written in flake.nix, for Nix messages that name an output but no position
 * ("flake attribute 'packages.x86_64-linux.foo' is not a derivation"). Found in the syntax tree
 * of the outputs function's literal set: the deepest definition along the path, so
 * `packages.x86_64-linux = import ./pkgs.nix;` still points at `x86_64-linux`.
 */
import { childNodes, findAttr, findAttrUnder, LineIndex, parse, resultSet, unparen } from '../lang';

/** Output path as Nix prints it: dot-separated, names with dots would be quoted by Nix. */
export function splitOutputPath(path: string): string[] {
  const parts: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^.]+)/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) parts.push(m[1] ?? m[2] ?? '');
  return parts;
}

/** 1-based line and column of the output's definition, or undefined when not written literally. */
export function locateFlakeOutput(flakeText: string, path: readonly string[]): { line: number; column: number } | undefined {
  const { root } = parse(flakeText);
  const top = resultSet(childNodes(root)[0]);
  if (top === undefined) return undefined;
  const outputs = findAttr(top, ['outputs'], flakeText)[0]?.value;
  const unwrapped = unparen(outputs);
  const lambda = unwrapped?.kind === 'Lambda' ? unwrapped : undefined;
  const body = lambda === undefined ? undefined : resultSet(childNodes(lambda).at(-1));
  if (body === undefined) return undefined;
  const candidates = findAttrUnder(body, path, flakeText)
    .map((c) => c.definition)
    .filter((d) => d.path.length <= path.length)
    .sort((a, b) => b.path.length - a.path.length);
  const best = candidates[0];
  if (best === undefined) return undefined;
  const position = new LineIndex(flakeText).positionAt(best.name.start);
  return { line: position.line + 1, column: position.character + 1 };
}

import { dirname, isAbsolute, join, resolve } from 'node:path';

/** A folder to skip when discovering flakes: vendored, build output or VCS internals. */
const IGNORED_SEGMENT = /(^|\/)(node_modules|\.git|\.direnv|result(-[^/]*)?|dist|out)(\/|$)/;

/**
 * Which flake folders the Flake view lists: the configured paths (relative to their workspace
 * folder) when any are set, else the folders of the discovered flake.nix files, sorted with the
 * shallowest first so a repository's main flake comes before the ones in its examples.
 * Configured folders keep their order.
 */
export function resolveFlakeDirs(options: {
  readonly workspaceFolders: readonly string[];
  readonly configuredPaths: readonly string[];
  readonly discoveredFlakeFiles: readonly string[];
  readonly max: number;
}): string[] {
  const dirs: string[] = [];
  if (options.configuredPaths.length > 0) {
    for (const path of options.configuredPaths) {
      if (isAbsolute(path)) dirs.push(resolve(path));
      else for (const folder of options.workspaceFolders) dirs.push(resolve(join(folder, path)));
    }
  } else {
    for (const file of options.discoveredFlakeFiles) {
      if (!IGNORED_SEGMENT.test(file)) dirs.push(dirname(resolve(file)));
    }
  }
  const unique = [...new Set(dirs)];
  // Configured folders keep the user's order; discovered ones go shallowest first.
  if (options.configuredPaths.length === 0) unique.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  return unique.slice(0, options.max);
}

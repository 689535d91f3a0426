/**
 * The names Nix binds in every file, without `builtins.`: its base environment. Taken from Nix
 * 2.8 itself (the Debian nix-bin this project tests against) by parsing each name of
 * `builtins.attrNames builtins`, bare and with `__`, with flakes enabled (which adds
 * __getFlake). Later Nix versions add more `__` names; NEWER_GLOBAL_NAMES lists the ones
 * we accept too.
 */

/** Names usable bare in Nix 2.8 (true, map, import, …). */
export const GLOBAL_NAMES: readonly string[] = [
  'abort', 'baseNameOf', 'builtins', 'derivation', 'derivationStrict', 'dirOf', 'false',
  'fetchGit', 'fetchMercurial', 'fetchTarball', 'fetchTree', 'fromTOML', 'import', 'isNull', 'map',
  'null', 'placeholder', 'removeAttrs', 'scopedImport', 'throw', 'toString', 'true',
];

/** `__` names of Nix 2.8 (every builtin is also reachable as __name, plus __sub and friends). */
export const GLOBAL_UNDERSCORE_NAMES: readonly string[] = [
  '__add', '__addErrorContext', '__all', '__any', '__appendContext', '__attrNames', '__attrValues',
  '__bitAnd', '__bitOr', '__bitXor', '__catAttrs', '__ceil', '__compareVersions', '__concatLists',
  '__concatMap', '__concatStringsSep', '__curPos', '__currentSystem', '__currentTime', '__deepSeq',
  '__div', '__elem', '__elemAt', '__fetchurl', '__filter', '__filterSource', '__findFile',
  '__floor', "__foldl'", '__fromJSON', '__functionArgs', '__genList', '__genericClosure',
  '__getAttr', '__getContext', '__getEnv', '__getFlake', '__groupBy', '__hasAttr', '__hasContext',
  '__hashFile', '__hashString', '__head', '__intersectAttrs', '__isAttrs', '__isBool', '__isFloat',
  '__isFunction', '__isInt', '__isList', '__isPath', '__isString', '__langVersion', '__length',
  '__lessThan', '__listToAttrs', '__mapAttrs', '__match', '__mul', '__nixPath', '__nixVersion',
  '__parseDrvName', '__partition', '__path', '__pathExists', '__readDir', '__readFile',
  '__replaceStrings', '__seq', '__sort', '__split', '__splitVersion', '__storeDir', '__storePath',
  '__stringLength', '__sub', '__substring', '__tail', '__toFile', '__toJSON', '__toPath',
  '__toXML', '__trace', '__tryEval', '__typeOf', '__unsafeDiscardOutputDependency',
  '__unsafeDiscardStringContext', '__unsafeGetAttrPos', '__zipAttrsWith',
];

/** Global names added after 2.8 that we accept (a deliberate difference from 2.8). */
export const NEWER_GLOBAL_NAMES: readonly string[] = [
  '__traceVerbose', '__convertHash', '__flakeRefToString', '__parseFlakeRef', '__warn', '__fetchClosure', '__break',
];

const ALL = new Set<string>([...GLOBAL_NAMES, ...GLOBAL_UNDERSCORE_NAMES, ...NEWER_GLOBAL_NAMES]);

/** Whether Nix resolves `name` without any binding in the file. */
export function isGlobalName(name: string): boolean {
  return ALL.has(name);
}

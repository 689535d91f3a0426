/**
 * Package names and versions from store path names, split the way Nix's `DrvName` does
 * (src/libexpr/names.cc): the version starts after the first `-` that is followed by a
 * character that is not a letter. `hello-2.12.1` → hello, 2.12.1; `perl5.36.0-Moo-2.005004`
 * → perl5.36.0-Moo, 2.005004; `linux-6.1.21-modules` → linux, 6.1.21-modules; `etc` → etc, "".
 */

export interface DrvName {
  readonly name: string;
  readonly version: string;
}

/** A store path's name without `/nix/store/<32-char hash>-`. */
export function storePathName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^[0-9a-z]{32}-/.test(base) ? base.slice(33) : base;
}

export function parseDrvName(fullName: string): DrvName {
  for (let i = 0; i < fullName.length - 1; i++) {
    if (fullName[i] === '-' && !/[A-Za-z]/.test(fullName[i + 1] ?? '')) {
      return { name: fullName.slice(0, i), version: fullName.slice(i + 1) };
    }
  }
  return { name: fullName, version: '' };
}

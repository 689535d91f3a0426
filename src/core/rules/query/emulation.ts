/**
 * Does a configuration emulate a system through binfmt_misc (`boot.binfmt.emulatedSystems`)?
 * 'unknown' when the list (or part of the configuration) is not in this file.
 */
import type { Analysis } from './analysis';
import type { NixosConfiguration } from './nixos-configs';
import { listElements, literalString, unwrapValue } from './values';

export function emulates(analysis: Analysis, config: NixosConfiguration, system: string): boolean | 'unknown' {
  const { text, resolver } = analysis;
  let unknown = config.incomplete || config.option(['boot', 'binfmt', 'registrations', '*']).length > 0 || config.option(['boot', 'binfmt', 'registrations']).length > 0;
  for (const b of config.option(['boot', 'binfmt', 'emulatedSystems'])) {
    const list = listElements(resolver.resolve(b.value), text);
    if (!list.complete) unknown = true;
    for (const element of list.elements) {
      const value = literalString(unwrapValue(resolver.resolve(element), text), text);
      if (value === undefined) unknown = true;
      else if (value === system) return true;
    }
  }
  return unknown ? 'unknown' : false;
}

/**
 * Token-level mutations for the differential test: delete, duplicate, swap or replace tokens
 * of a real file (or a generated expression), so that the parser meets the near-misses an
 * editor sees while someone types.
 */
import { lex } from '../../../src/core/lang';
import type { Rng } from './nix-gen';

/** Tokens inserted by mutations: punctuation, keywords, and tokens whose lexing is subtle. */
const VOCABULARY = [
  ';', '}', '{', '=', '.', '(', ')', '[', ']', ':', ',', '@', '?', '...', 'in', 'let', 'rec', 'or', 'inherit',
  'with', 'if', 'then', 'else', 'assert', '"', "''", '${', '/', '-', '!', '+', '*', '//', '++', '==', '->', '<',
  'x', 'undefinedName', '1', '1.5', './p', 'a/b', '<nixpkgs>', 'http://h/x', '~/f', '#c\n', '/* c */', '$', "'",
  './d/', '99999999999999999999',
];

export function mutate(text: string, rng: Rng, counts: Map<string, number>): string {
  let current = text;
  const rounds = 1 + rng.int(2);
  for (let round = 0; round < rounds; round++) {
    const tokens = lex(current).tokens.filter((t) => t.kind !== 'WHITESPACE' && t.kind !== 'EOF' && t.end > t.start);
    if (tokens.length === 0) return current;
    const target = rng.pick(tokens);
    const op = rng.pick(['delete', 'duplicate', 'replace', 'insert', 'swap']);
    counts.set(`mutation ${op}`, (counts.get(`mutation ${op}`) ?? 0) + 1);
    const before = current.slice(0, target.start);
    const self = current.slice(target.start, target.end);
    const after = current.slice(target.end);
    const word = rng.pick(VOCABULARY);
    const sep = rng.chance(0.7) ? ' ' : '';
    switch (op) {
      case 'delete':
        current = before + after;
        break;
      case 'duplicate':
        current = before + self + sep + self + after;
        break;
      case 'replace':
        current = before + word + after;
        break;
      case 'insert':
        current = before + word + sep + self + after;
        break;
      default: {
        const index = tokens.indexOf(target);
        const next = tokens[index + 1];
        if (next === undefined) break;
        current = before + current.slice(next.start, next.end) + current.slice(target.end, next.start) + self + current.slice(next.end);
      }
    }
  }
  return current;
}

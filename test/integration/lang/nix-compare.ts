/**
 * Compares our verdict on one text with Nix's. Nix stops at its first error, so:
 * - Nix accepts: we report nothing at all.
 * - Nix reports a syntax or scanner error: our first such error (in the order Nix meets them)
 *   has the same kind, and a syntax error sits at the same line and column.
 * - Nix reports a duplicate attribute, duplicate formal or dynamic attribute: we report it too.
 * - Nix reports `undefined variable 'x'` (only ever after a clean parse): we have no parse
 *   error and x is among our undefined variables.
 */
import { lex, parse, resolveScopes, type ParseError } from '../../../src/core/lang';
import type { NixVerdict } from './nix-oracle';

export interface Comparison {
  readonly agree: boolean;
  readonly ours: string;
  readonly nix: string;
}


export function ourVerdict(text: string): { accept: boolean; summary: string } {
  const result = parse(text);
  const scopes = resolveScopes(result);
  const errors = [...result.errors.map((e) => `${e.code}@${e.start}`), ...scopes.undefinedReferences.map((r) => `undefined '${r.name}'@${r.node.start}`)];
  return { accept: errors.length === 0, summary: errors.length === 0 ? 'accept' : errors.join(', ') };
}

export function compare(text: string, nix: NixVerdict): Comparison {
  const result = parse(text);
  const scopes = resolveScopes(result);
  const ours = ourVerdict(text).summary;
  const nixText = nix.ok ? 'accept' : `${nix.message} @${nix.line}:${nix.column}`;
  const agree = (value: boolean): Comparison => ({ agree: value, ours, nix: nixText });
  if (nix.ok) return agree(result.errors.length === 0 && scopes.undefinedReferences.length === 0);

  const kind = classify(nix.message);
  if (kind.code === 'undefined') {
    return agree(result.errors.length === 0 && scopes.undefinedReferences.some((r) => r.name === kind.name));
  }
  if (kind.code === 'duplicate-attribute' || kind.code === 'duplicate-formal' || kind.code === 'dynamic-attribute') {
    return agree(result.errors.some((e) => e.code === kind.code));
  }
  const first = firstFatal(text, result.errors);
  if (first === undefined) return agree(false);
  if (kind.code !== 'syntax-error') return agree(first.code === kind.code);
  if (first.code !== 'syntax-error') return agree(false);
  const position = lineColumn(text, nixErrorOffset(text, first));
  return agree(position.line === nix.line && position.column === nix.column);
}

/**
 * Where Nix 2.8 says a syntax error found at `offset` is. Its scanner gives a token the start of
 * the lexeme that produced it, trivia included, with two quirks: at the end of the text (no
 * lexeme) the location stays at the last lexeme; and the zero-width end of a path takes back
 * ("unstashes") the location before the lexeme that ended it, so an error there, or at the end
 * of a text that ends in a path, points at the path's last piece or at the lexeme before it.
 */
function nixErrorOffset(text: string, error: ParseError): number {
  const offset = error.start;
  const tokens = lex(text).tokens;
  const lexemes = tokens.filter((t) => t.end > t.start);
  const endsInPath = tokens.some((t) => t.kind === 'PATH_END' && t.start === text.length);
  if (offset >= text.length) return lexemes[lexemes.length - (endsInPath ? 2 : 1)]?.start ?? 0;
  // Only the end of a path is a zero-width token inside the text.
  const index = error.end === error.start ? tokens.findIndex((t) => t.kind === 'PATH_END' && t.start === offset) : -1;
  if (index > 0) return tokens[index - 1]?.start ?? offset;
  return offset;
}

/** Syntax and scanner errors in the order Nix meets them: a scanner error belongs to the
 * token being read, before the parser can fail on it. */
function firstFatal(text: string, errors: readonly ParseError[]): ParseError | undefined {
  const { tokens, errors: scanner } = lex(text);
  let best: { error: ParseError; at: number; rank: number } | undefined;
  for (const error of errors) {
    if (error.code === 'syntax-error' && (best === undefined || error.start < best.at)) best = { error, at: error.start, rank: 1 };
  }
  for (const error of scanner) {
    const at = tokens[error.token]?.start ?? error.start;
    if (best === undefined || at < best.at || (at === best.at && best.rank === 1)) {
      const match = errors.find((e) => e.code === error.code && e.start === error.start);
      if (match !== undefined) best = { error: match, at, rank: 0 };
    }
  }
  return best?.error;
}

export function classify(message: string): { code: string; name?: string } {
  if (message.startsWith('syntax error')) return { code: 'syntax-error' };
  const undefinedVar = /^undefined variable '(.*)'/.exec(message);
  if (undefinedVar !== null) return { code: 'undefined', name: undefinedVar[1] ?? '' };
  if (message.includes('already defined')) return { code: 'duplicate-attribute' };
  if (message.includes('duplicate formal function argument')) return { code: 'duplicate-formal' };
  if (message.includes('dynamic attributes not allowed')) return { code: 'dynamic-attribute' };
  if (message.includes('path has a trailing slash')) return { code: 'trailing-slash' };
  if (message.includes('invalid integer')) return { code: 'invalid-integer' };
  if (message.includes('invalid float')) return { code: 'invalid-float' };
  return { code: 'other' };
}

/** Nix's 1-based line and column (the texts compared are ASCII without CR). */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

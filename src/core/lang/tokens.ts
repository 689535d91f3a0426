/**
 * Token kinds of the Nix lexer. The names follow Nix's own lexer (src/libexpr/lexer.l, 2.8 and
 * later) so that a reader can hold the two side by side; punctuation is spelled as itself.
 */
export type TokenKind =
  // trivia: kept in the tree so that it covers the text exactly
  | 'WHITESPACE'
  | 'COMMENT'
  // keywords
  | 'if'
  | 'then'
  | 'else'
  | 'assert'
  | 'with'
  | 'let'
  | 'in'
  | 'rec'
  | 'inherit'
  | 'or'
  // multi-character operators
  | '...'
  | '=='
  | '!='
  | '<='
  | '>='
  | '&&'
  | '||'
  | '->'
  | '//'
  | '++'
  | '|>'
  | '<|'
  // single characters
  | '{'
  | '}'
  | '['
  | ']'
  | '('
  | ')'
  | ';'
  | ':'
  | '='
  | '.'
  | ','
  | '@'
  | '?'
  | '!'
  | '+'
  | '-'
  | '*'
  | '/'
  | '<'
  | '>'
  | '"'
  // values
  | 'ID'
  | 'INT'
  | 'FLOAT'
  | 'URI'
  | 'PATH'
  | 'HPATH'
  | 'SPATH'
  /** A literal piece of a string or of an interpolated path, escapes still in it. */
  | 'STR'
  /** A literal piece of an indented string (`''$`, `'''` and `''\x` are pieces of their own). */
  | 'IND_STR'
  | 'DOLLAR_CURLY'
  | 'IND_STRING_OPEN'
  | 'IND_STRING_CLOSE'
  /** Zero-width end of a path that has interpolations or trailing pieces. */
  | 'PATH_END'
  /** A character Nix has no token for (Nix calls it "invalid token"). */
  | 'ERROR'
  | 'EOF';

/** A token: `start` and `end` are UTF-16 offsets into the parsed text, `end` exclusive. */
export interface Token {
  readonly type: 'token';
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
}

export function isTrivia(kind: TokenKind): boolean {
  return kind === 'WHITESPACE' || kind === 'COMMENT';
}

/** How a token kind is named in messages, as Nix 2.8's bison names them where it helps. */
export function describeToken(kind: TokenKind): string {
  switch (kind) {
    case 'EOF':
      return 'end of file';
    case 'ID':
      return 'identifier';
    case 'INT':
      return 'integer';
    case 'FLOAT':
      return 'float';
    case 'URI':
      return 'URI';
    case 'PATH':
    case 'HPATH':
    case 'SPATH':
      return 'path';
    case 'STR':
    case 'IND_STR':
      return 'string';
    case 'DOLLAR_CURLY':
      return "'${'";
    case 'IND_STRING_OPEN':
    case 'IND_STRING_CLOSE':
      return "''";
    case 'PATH_END':
      return 'end of path';
    case 'ERROR':
      return 'invalid character';
    case 'WHITESPACE':
      return 'whitespace';
    case 'COMMENT':
      return 'comment';
    default:
      return `'${kind}'`;
  }
}

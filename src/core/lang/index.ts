/**
 * core/lang: a Nix parser for the language server and the rules.
 *
 * - `parse(text)` → { root, errors, text }: a concrete syntax tree covering the text exactly
 *   (whitespace and comments are tokens too), syntax errors with ranges, and the checks Nix's
 *   own parser makes (duplicate attributes, dynamic attributes in let/inherit, duplicate
 *   formals, a path's trailing slash, out-of-range numbers). Never throws; recovers after a
 *   broken binding so the rest of the file is still checked.
 * - `resolveScopes(parsed)` → every variable reference resolved to its binding, a builtin, a
 *   `with`, or undefined; every binding with its references (unused = none).
 * - `attrDefinitions` / `findAttr` / `findAttrUnder`: bindings by path, dotted or nested.
 * - `LineIndex`: offsets (UTF-16) ↔ LSP line/character.
 *
 * Semantics follow Nix 2.8 (the oracle in test/integration/lang/differential.test.ts); the
 * pipe operators of current Nix parse and get a 'pipe-operator' diagnostic.
 */
export { parse, type ParseResult } from './parse';
export type { ParseError, ParseErrorCode } from './parser-state';
export { resolveScopes, type Binding, type BindingKind, type Reference, type Resolution, type ScopeInfo } from './scopes';
export { isNode, isToken, type NodeKind, type SyntaxElement, type SyntaxNode, type SyntaxToken } from './syntax';
export { describeToken, isTrivia, type Token, type TokenKind } from './tokens';
export { lex, type LexError, type LexResult } from './lexer';
export { GLOBAL_NAMES, GLOBAL_UNDERSCORE_NAMES, NEWER_GLOBAL_NAMES, isGlobalName } from './builtins';
export { attrName, stringValue, unescapeString, unparen } from './string-value';
export { LineIndex, type Position, type Range } from './positions';
export { childNodes, childToken, descendants, nodeAt, textOf, tokenAt, walk, type Visitor } from './walk';
export { attrDefinitions, findAttr, findAttrUnder, isAttrSetLike, resultSet, type AttrDefinition } from './attr-query';
export { applyParts, bindingValue, intLiteral, lambdaParams, listElements, selectPath, stringLiteral, type LambdaParams } from './expr-query';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lex } from '../../../../src/core/lang';

function kinds(text: string): string[] {
  return lex(text).tokens.filter((t) => t.kind !== 'WHITESPACE' && t.kind !== 'EOF').map((t) => `${t.kind}:${text.slice(t.start, t.end)}`);
}

describe('lexer: Nix 2.8 longest-match rules', () => {
  it('prefers the longest match: paths over identifiers, URIs over lambdas', () => {
    assert.deepEqual(kinds('a/b a-b x:x x: a.b/c'), ['PATH:a/b', 'PATH_END:', 'ID:a-b', 'URI:x:x', 'ID:x', ':::', 'PATH:a.b/c', 'PATH_END:']);
  });
  it('reads keywords only as whole words', () => {
    assert.deepEqual(kinds('if iff or orx'), ['if:if', 'ID:iff', 'or:or', 'ID:orx']);
  });
  it('reads numbers like flex: 01.5 is an int then a float, .5 is a float', () => {
    assert.deepEqual(kinds('01.5 .5 1. 1e3'), ['INT:01', 'FLOAT:.5', 'FLOAT:.5', 'FLOAT:1.', 'INT:1', 'ID:e3']);
  });
  it('reads <x> as a search path but a < b as a comparison', () => {
    assert.deepEqual(kinds('<nixpkgs/lib> a < b a<b>c'), ['SPATH:<nixpkgs/lib>', 'ID:a', '<:<', 'ID:b', 'ID:a', 'SPATH:<b>', 'ID:c']);
  });
  it('treats an unterminated block comment as a slash', () => {
    assert.deepEqual(kinds('1 /* x'), ['INT:1', '/:/', '*:*', 'ID:x']);
    assert.deepEqual(lex('/* a */ 1').tokens.map((t) => t.kind), ['COMMENT', 'WHITESPACE', 'INT', 'EOF']);
  });
  it("keeps '${' inside strings apart from escaped ones", () => {
    assert.deepEqual(kinds('"a\\${b}${c}$"'), ['":"', 'STR:a\\${b}', 'DOLLAR_CURLY:${', 'ID:c', '}:}', 'STR:$', '":"']);
  });
  it('takes the rest of the opening line into an indented string opener', () => {
    assert.deepEqual(kinds("''  \n  x''"), ["IND_STRING_OPEN:''  \n", 'IND_STR:  x', "IND_STRING_CLOSE:''"]);
  });
  it('splits interpolated paths into pieces', () => {
    assert.deepEqual(kinds('./a/${x}.nix'), ['PATH:./a/', 'DOLLAR_CURLY:${', 'ID:x', '}:}', 'STR:.nix', 'PATH_END:']);
  });
  it('lexes the pipe operators of current Nix', () => {
    assert.deepEqual(kinds('a |> b <| c'), ['ID:a', '|>:|>', 'ID:b', '<|:<|', 'ID:c']);
  });
});

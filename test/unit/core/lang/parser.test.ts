import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNode, parse, type SyntaxNode } from '../../../../src/core/lang';
import { tree, valid } from './show-tree';

describe('parser: precedence and associativity (Nix parser.y)', () => {
  it('binds * tighter than +, and + tighter than ==', () => {
    assert.equal(valid('a: b: c: a + b * c == c'), '(Lambda a : (Lambda b : (Lambda c : (BinaryOp (BinaryOp a + (BinaryOp b * c)) == c))))');
  });
  it('makes -> right-associative and the weakest operator', () => {
    assert.equal(valid('a: b: c: a -> b -> c || a'), '(Lambda a : (Lambda b : (Lambda c : (BinaryOp a -> (BinaryOp b -> (BinaryOp c || a))))))');
  });
  it('makes // and ++ right-associative, + and - left-associative', () => {
    assert.equal(valid('a: a // a // a'), '(Lambda a : (BinaryOp a // (BinaryOp a // a)))');
    assert.equal(valid('a: a ++ a ++ a'), '(Lambda a : (BinaryOp a ++ (BinaryOp a ++ a)))');
    assert.equal(valid('a: a - a + a'), '(Lambda a : (BinaryOp (BinaryOp a - a) + a))');
  });
  it('gives ! less binding power than + but more than //', () => {
    assert.equal(valid('a: !a + a // a'), '(Lambda a : (BinaryOp (UnaryOp ! (BinaryOp a + a)) // a))');
  });
  it('gives unary minus more binding power than ?, and ? more than ++', () => {
    assert.equal(valid('a: -a ? b'), '(Lambda a : (HasAttr (UnaryOp - a) ? (AttrPath b)))');
    assert.equal(valid('a: a ++ a ? b.c'), '(Lambda a : (BinaryOp a ++ (HasAttr a ? (AttrPath b . c))))');
  });
  it('chains ? to the left, as Nix does', () => {
    assert.equal(valid('a: a ? b ? c'), '(Lambda a : (HasAttr (HasAttr a ? (AttrPath b)) ? (AttrPath c)))');
  });
  it('rejects chained comparisons at the second operator', () => {
    assert.deepEqual(tree('a: a == a == a').errors, ['syntax-error@10']);
    assert.deepEqual(tree('a: a < a < a').errors, ['syntax-error@9']);
  });
  it('applies functions before any operator and selects before applying', () => {
    assert.equal(valid('f: x: f x.y - f x'), '(Lambda f : (Lambda x : (BinaryOp (Apply f (Select x . (AttrPath y))) - (Apply f x))))');
  });
  it('reads `a.b or c` as a select with default and `f or` as an application to or', () => {
    assert.equal(valid('a: c: a.b or c'), '(Lambda a : (Lambda c : (Select a . (AttrPath b) or c)))');
    assert.equal(valid('let or = 1; in f: f or'), '(LetIn let (Binding (AttrPath or) = 1 ;) in (Lambda f : (Apply f or)))');
  });
  it('does not take if, let or a lambda as an operand', () => {
    assert.deepEqual(tree('1 + if true then 1 else 2').errors, ['syntax-error@4']);
    assert.deepEqual(tree('[ -1 ]').errors, ['syntax-error@2']);
  });
  it('parses the pipe operators and flags them as experimental', () => {
    const { shown, errors } = tree('x: f: x |> f |> f');
    assert.equal(shown, '(Lambda x : (Lambda f : (BinaryOp (BinaryOp x |> f) |> f)))');
    assert.deepEqual(errors, ['pipe-operator@8', 'pipe-operator@13']);
    assert.equal(tree('x: f: f <| f <| x').shown, '(Lambda x : (Lambda f : (BinaryOp f <| (BinaryOp f <| x))))');
  });
});

describe('parser: lambdas, let, with, assert, if', () => {
  it('reads every lambda head', () => {
    assert.equal(valid('{ a, b ? 1, ... }: a'), '(Lambda (Formals { (Formal a) , (Formal b ? 1) , ... }) : a)');
    assert.equal(valid('{ a }@args: args'), '(Lambda (Formals { (Formal a) }) @ args : args)');
    assert.equal(valid('args @ { a, }: a'), '(Lambda args @ (Formals { (Formal a) , }) : a)');
    assert.equal(valid('{}: 1'), '(Lambda (Formals { }) : 1)');
  });
  it('tells an empty set from empty formals by what follows', () => {
    assert.equal(valid('{ }'), '(AttrSet { })');
    assert.equal(valid('{ } @ x: x'), '(Lambda (Formals { }) @ x : x)');
  });
  it('reports duplicate formals like Nix', () => {
    assert.deepEqual(tree('{ a, a }: a').errors, ['duplicate-formal@5']);
    assert.deepEqual(tree('{ a }@a: a').errors, ['duplicate-formal@6']);
  });
  it('reads legacy let { body = …; } as its own node', () => {
    assert.equal(valid('let { a = 1; body = a; }'), '(LetAttrSet let { (Binding (AttrPath a) = 1 ;) (Binding (AttrPath body) = a ;) })');
  });
  it('reads with, assert and if around any expression', () => {
    assert.equal(valid('with {}; assert true; if x then 1 else 2'), '(With with (AttrSet { }) ; (Assert assert true ; (If if x then 1 else 2)))');
  });
});

describe('parser: strings, indented strings and interpolation', () => {
  it('keeps escapes in one piece and splits at interpolations', () => {
    assert.equal(valid('x: "a\\"b${x}c\\${d}$"'), '(Lambda x : (String " a\\"b (Interpolation ${ x }) c\\${d}$ "))');
  });
  it('treats $$ and a $ before the closing quote as text', () => {
    assert.equal(valid('"$${x}"'), '(String " $${x} ")');
    assert.equal(valid('"a$"'), '(String " a$ ")');
  });
  it("reads ''$, ''' and ''\\ as escapes of indented strings", () => {
    assert.equal(valid("x: ''a''${x}b'''c''\\nd${x}''"), "(Lambda x : (IndString '' a ''$ {x}b ''' c ''\\n d (Interpolation ${ x }) ''))");
  });
  it('reports an unterminated string at the end of the text', () => {
    assert.deepEqual(tree('"abc').errors, ['syntax-error@4']);
    assert.deepEqual(tree("''abc").errors, ['syntax-error@5']);
  });
});

describe('parser: paths, division and URIs', () => {
  it('reads a/b as a path and a / b as a division', () => {
    assert.equal(valid('a/b'), 'a/b');
    assert.equal(valid('a: b: a / b'), '(Lambda a : (Lambda b : (BinaryOp a / b)))');
    assert.equal(valid('a: a/ 2'), '(Lambda a : (BinaryOp a / 2))');
  });
  it('reads relative, absolute, home and search paths', () => {
    for (const path of ['./a', '../b/c.nix', '/etc/x', '~/x', '<nixpkgs>', '<nixpkgs/lib>', 'a/b-c_d+e.f']) assert.equal(valid(path), path);
  });
  it('reads interpolated paths as Path nodes', () => {
    assert.equal(valid('x: ./a/${x}/b'), '(Lambda x : (Path ./a/ (Interpolation ${ x }) /b ))');
    assert.equal(valid('x: ~/${x}'), '(Lambda x : (Path ~/ (Interpolation ${ x }) ))');
  });
  it('rejects a trailing slash and a doubled slash like Nix', () => {
    assert.deepEqual(tree('./a/').errors, ['trailing-slash@0']);
    assert.deepEqual(tree('./a//b').errors, ['syntax-error@6']);
  });
  it('reads x:x as a URI and x: x as a lambda', () => {
    assert.equal(valid('x:x'), 'x:x');
    assert.equal(valid('x: x'), '(Lambda x : x)');
    assert.equal(valid('https://example.org/a?b=c'), 'https://example.org/a?b=c');
  });
  it('reads numbers as Nix scans them', () => {
    assert.equal(valid('1.5'), '1.5');
    assert.equal(valid('.5'), '.5');
    assert.equal(valid('x: x.a.5'), '(Lambda x : (Apply (Select x . (AttrPath a)) .5))');
    assert.deepEqual(tree('9223372036854775808').errors, ['invalid-integer@0']);
    assert.deepEqual(tree('9223372036854775807').errors, []);
  });
});

describe('parser: attribute sets and Nix duplicate rules', () => {
  it('reads dotted, quoted and interpolated keys, inherit and inherit (from)', () => {
    assert.equal(
      valid('x: rec { a.b = 1; "c d" = 2; ${x} = 3; inherit x; inherit (x) y z; }'),
      '(Lambda x : (AttrSet rec { (Binding (AttrPath a . b) = 1 ;) (Binding (AttrPath (String " c d ")) = 2 ;) (Binding (AttrPath (Interpolation ${ x })) = 3 ;) (Inherit inherit x ;) (Inherit inherit (Paren ( x )) y z ;) }))',
    );
  });
  it('merges dotted paths and literal sets where Nix 2.8 does', () => {
    for (const ok of ['{ a.b = 1; a.c = 2; }', '{ a = {}; a.b = 1; }', '{ a.b = 1; a = { c = 1; }; }', '{ a = { b = 1; }; a = { c = 2; }; }', '{ a = ({}); a.b = 1; }', '{ a = rec {}; a.b = 1; }']) {
      assert.deepEqual(tree(ok).errors, [], ok);
    }
  });
  it('rejects the duplicates Nix 2.8 rejects', () => {
    for (const bad of ['{ a = 1; a = 2; }', '{ a.b = 1; a.b = 2; }', '{ a = 1; a.b = 2; }', '{ a = { b.x = 1; }; a = { b.y = 1; }; }', 'x: { inherit x; x.y = 1; }', 'x: { inherit x x; }', 'let a = 1; inherit ({}) a; in a', '{ "a" = 1; ${"a"} = 2; }', "{ a = 1; ${''a''} = 2; }"]) {
      assert.ok(tree(bad).errors.some((e) => e.startsWith('duplicate-attribute')), bad);
    }
  });
  it('rejects dynamic names in let and inherit, and allows them in sets', () => {
    assert.deepEqual(tree('x: let ${x} = 1; in 1').errors, ['dynamic-attribute@7']);
    assert.deepEqual(tree('x: { inherit ${x}; }').errors, ['dynamic-attribute@13']);
    assert.deepEqual(tree('x: { ${x} = 1; ${x} = 2; }').errors, []);
    assert.deepEqual(tree('x: let a.${x} = 1; in a').errors, []);
  });
});

describe('parser: error recovery', () => {
  function kinds(root: SyntaxNode): string[] {
    const out: string[] = [];
    const stack = [root];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      out.push(n.kind);
      for (const c of n.children) if (isNode(c)) stack.push(c);
    }
    return out;
  }
  it('goes on after a binding without its value', () => {
    const result = parse('{ a = ; b = 1; c = 2; }');
    assert.equal(result.errors.length, 1);
    assert.equal(kinds(result.root).filter((k) => k === 'Binding').length, 3);
  });
  it('goes on after a stray token between bindings', () => {
    const result = parse('{ a = 1; ) b = 2; }');
    assert.equal(result.errors.length, 1);
    assert.equal(kinds(result.root).filter((k) => k === 'Binding').length, 2);
  });
  it('goes on after a missing semicolon, at the next binding line', () => {
    const result = parse('{\n  a = 1\n  b = = 2;\n  c = 3;\n  d = 4;\n}');
    assert.equal(result.errors.filter((e) => e.code === 'syntax-error').length, 1);
    assert.ok(kinds(result.root).filter((k) => k === 'Binding').length >= 3);
  });
  it('closes everything at the end of the text when a brace is missing', () => {
    const result = parse('{ a = { b = 1;\n c = 2; }');
    assert.deepEqual(result.errors.map((e) => e.start), [24]);
    assert.equal(kinds(result.root).filter((k) => k === 'Binding').length, 3);
  });
  it('still checks the rest of the file after an error', () => {
    const result = parse('{ a = 1 +; b = 1; b = 2; }');
    assert.deepEqual(result.errors.map((e) => e.code), ['syntax-error', 'duplicate-attribute']);
  });
});

describe('parser: ranges', () => {
  it('gives nodes the range of their significant tokens, trivia outside', () => {
    const text = '  { a = 1; } # end\n';
    const result = parse(text);
    const set = result.root.children.find(isNode);
    assert.equal(result.root.start, 0);
    assert.equal(result.root.end, text.length);
    assert.equal(set?.kind, 'AttrSet');
    assert.equal(text.slice(set?.start, set?.end), '{ a = 1; }');
  });
  it('points a syntax error at the token where Nix stops', () => {
    const result = parse('{ a = 1; b = 2 }');
    assert.deepEqual(result.errors.map((e) => [e.start, e.end]), [[15, 16]]);
  });
  it('never throws on pathological nesting', () => {
    for (const text of ['('.repeat(100000), '['.repeat(100000), '!'.repeat(100000) + 'x', 'x: ' + 'x + '.repeat(50000) + 'x', '{ a = '.repeat(20000)]) {
      const result = parse(text);
      assert.ok(result.errors.length > 0 || text.startsWith('x:'));
    }
  });
});

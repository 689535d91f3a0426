import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyParts, findAttr, findAttrUnder, isNode, lambdaParams, listElements, parse, resultSet, selectPath, stringLiteral, textOf, type SyntaxNode } from '../../../../src/core/lang';

function root(text: string): SyntaxNode {
  const parsed = parse(text);
  assert.deepEqual(parsed.errors, []);
  const expr = parsed.root.children.find(isNode);
  assert.ok(expr !== undefined);
  return expr;
}

describe('attribute queries', () => {
  const spellings = [
    '{ boot.binfmt.emulatedSystems = [ "x86_64-linux" ]; }',
    '{ boot = { binfmt = { emulatedSystems = [ "x86_64-linux" ]; }; }; }',
    '{ boot.binfmt = { emulatedSystems = [ "x86_64-linux" ]; }; }',
    '{ "boot".${"binfmt"} = ({ emulatedSystems = [ "x86_64-linux" ]; }); }',
  ];
  for (const text of spellings) {
    it(`finds a path however it is written: ${text}`, () => {
      const found = findAttr(root(text), ['boot', 'binfmt', 'emulatedSystems'], text);
      assert.equal(found.length, 1);
      const values = listElements(found[0]?.value);
      assert.deepEqual(values?.map((v) => stringLiteral(v, text)), ['x86_64-linux']);
    });
  }
  it('reports a prefix whose value is not a literal set as opaque', () => {
    const text = '{ boot = lib.mkIf cond { kernelParams = [ ]; }; networking.hostName = "x"; }';
    const under = findAttrUnder(root(text), ['boot', 'kernelParams'], text);
    assert.deepEqual(under.map((u) => [u.definition.path.join('.'), u.opaque]), [['boot', true]]);
  });
  it('finds inherited names with their source', () => {
    const text = 'let x = 1; in { inherit x; inherit (pkgs) hello; }';
    const expr = root(text).children.filter(isNode)[1];
    assert.ok(expr !== undefined);
    const found = findAttr(expr, ['hello'], text);
    assert.equal(found[0]?.kind, 'inherit-from');
    const value = found[0]?.value;
    assert.ok(value !== undefined);
    assert.equal(textOf(value, text), '(pkgs)');
  });
});

describe('expression queries', () => {
  it('reads a select chain as names', () => {
    const text = 'deploy-rs.lib.x86_64-linux.activate.nixos';
    assert.deepEqual(selectPath(root(text), text), ['deploy-rs', 'lib', 'x86_64-linux', 'activate', 'nixos']);
  });
  it('splits an application into function and arguments', () => {
    const text = 'f: f 1 "a" [ ]';
    const body = lambdaParams(root(text), text)?.body;
    assert.ok(body !== undefined);
    const { fn, args } = applyParts(body);
    assert.equal(textOf(fn, text), 'f');
    assert.deepEqual(args.map((a) => textOf(a, text)), ['1', '"a"', '[ ]']);
  });
  it('lists a lambda’s formals, @ name and ellipsis', () => {
    const text = '{ self, nixpkgs ? null, ... }@inputs: self';
    const params = lambdaParams(root(text), text);
    assert.deepEqual(params?.formals.map((f) => f.name), ['self', 'nixpkgs']);
    assert.equal(params?.ellipsis, true);
    assert.equal(params?.name === undefined ? '' : text.slice(params.name.start, params.name.end), 'inputs');
  });
});

describe('resultSet', () => {
  it('looks through let, with and parentheses to the set a module returns', () => {
    const text = '{ lib, ... }: let x = 1; in with lib; ({ boot.kernelParams = [ ]; })';
    const body = lambdaParams(root(text), text)?.body;
    const set = resultSet(body);
    assert.ok(set !== undefined);
    assert.equal(set.kind, 'AttrSet');
    assert.equal(findAttr(set, ['boot', 'kernelParams'], text).length, 1);
  });
  it('gives up on anything else', () => {
    const text = 'lib.mkIf true { }';
    assert.equal(resultSet(root(text)), undefined);
  });
});

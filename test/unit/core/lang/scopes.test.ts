import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, resolveScopes, type Reference } from '../../../../src/core/lang';

function resolutions(text: string): string[] {
  const scopes = resolveScopes(parse(text));
  const describe = (r: Reference): string => {
    const res = r.resolution;
    if (res.kind === 'binding') return `${r.name}@${r.node.start}->${res.binding.kind}@${res.binding.start}`;
    return `${r.name}@${r.node.start}->${res.kind}`;
  };
  return scopes.references.map(describe).sort();
}

describe('scopes: name resolution as Nix 2.8 bindVars', () => {
  it('binds let names for values and body, recursively', () => {
    assert.deepEqual(resolutions('let a = b; b = 1; in a'), ['a@21->let@4', 'b@8->let@11']);
  });
  it('binds rec set names but not plain set names', () => {
    assert.deepEqual(resolutions('rec { a = b; b = 1; }'), ['b@10->rec@13']);
    assert.deepEqual(resolutions('{ a = b; b = 1; }'), ['b@6->undefined']);
  });
  it('looks up a plain inherit outside the set, and inherit (e) inside', () => {
    assert.deepEqual(resolutions('let a = 1; in rec { inherit a; }'), ['a@28->let@4']);
    assert.deepEqual(resolutions('rec { inherit (x) y; x = {}; }'), ['x@15->rec@21']);
    assert.deepEqual(resolutions('let inherit a; in 1'), ['a@12->undefined']);
  });
  it('binds lambda arguments, formals and @ names for defaults and body', () => {
    assert.deepEqual(resolutions('{ a, b ? a, ... }@args: args.c b'), ['a@9->formal@2', 'args@24->lambda@18', 'b@31->formal@5']);
    assert.deepEqual(resolutions('x: x'), ['x@3->lambda@0']);
  });
  it('resolves names under with only when nothing else binds them, builtins included', () => {
    assert.deepEqual(resolutions('x: with x; [ x y map ]'), ['map@17->builtin', 'x@13->lambda@0', 'x@8->lambda@0', 'y@15->with']);
  });
  it('resolves the legacy `f or` application as a reference to or', () => {
    assert.deepEqual(resolutions('f: f or'), ['f@3->lambda@0', 'or@5->undefined']);
  });
  it('knows Nix 2.8 globals and __curPos', () => {
    assert.deepEqual(resolutions('[ true null builtins import __curPos __findFile derivationStrict ]'), [
      '__findFile@37->builtin', 'builtins@12->builtin', 'derivationStrict@48->builtin', 'import@21->builtin', 'null@7->builtin', 'true@2->builtin',
    ]);
    assert.deepEqual(resolutions('[ fetchurl lib ]'), ['fetchurl@2->undefined', 'lib@11->undefined']);
  });
  it('lists unused bindings as bindings without references', () => {
    const scopes = resolveScopes(parse('{ pkgs, lib, ... }: let unused = 1; used = pkgs; in used'));
    const unused = scopes.bindings.filter((b) => b.references.length === 0).map((b) => b.name);
    assert.deepEqual(unused, ['lib', 'unused']);
  });
  it('finds the reference an Ident node makes', () => {
    const parsed = parse('let a = 1; in a');
    const scopes = resolveScopes(parsed);
    const ref = scopes.references[0];
    assert.ok(ref !== undefined);
    assert.equal(scopes.referenceOf(ref.node), ref);
  });
});

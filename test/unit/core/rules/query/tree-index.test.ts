import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, resolveScopes } from '../../../../../src/core/lang';
import { analysisOf } from '../../../../../src/core/rules/query/analysis';
import { buildTreeIndex, pathEndsWith, pathMatches } from '../../../../../src/core/rules/query/tree-index';
import { literalString } from '../../../../../src/core/rules/query/values';

function indexOf(text: string): ReturnType<typeof buildTreeIndex> {
  return buildTreeIndex(parse(text).root, text);
}

function paths(text: string, last: string): string[] {
  return indexOf(text)
    .bindingsNamed(last)
    .map((b) => b.path.map((p) => p.name ?? '${…}').join('.'));
}

describe('the tree index', () => {
  it('spells full attribute paths through dotted keys, nested sets, parentheses and mkIf', () => {
    const text = `{
      boot.binfmt.emulatedSystems = [ ];
      a = { boot = { binfmt.emulatedSystems = [ ]; }; };
      b = (lib.mkIf true { boot.binfmt = { emulatedSystems = [ ]; }; });
      c = { x = 1; } // { boot.binfmt.emulatedSystems = [ ]; };
      "quoted".\${dyn}.emulatedSystems = [ ];
    }`;
    assert.deepEqual(paths(text, 'emulatedSystems'), [
      'boot.binfmt.emulatedSystems',
      'a.boot.binfmt.emulatedSystems',
      'b.boot.binfmt.emulatedSystems',
      'c.boot.binfmt.emulatedSystems',
      'quoted.${…}.emulatedSystems',
    ]);
  });

  it('starts a new path inside a function body, a let value and a list element', () => {
    const text = `{ m = { pkgs, ... }: { boot.kernelParams = [ ]; }; l = let x = { boot.kernelParams = [ ]; }; in x; k = [ { boot.kernelParams = [ ]; } ]; }`;
    assert.deepEqual(paths(text, 'kernelParams'), ['boot.kernelParams', 'boot.kernelParams', 'boot.kernelParams']);
  });

  it('matches paths with wildcards and suffixes', () => {
    const index = indexOf('{ deploy.nodes.pi.profiles.system.path = 1; }');
    const b = index.bindingsNamed('path')[0];
    assert.ok(b !== undefined);
    assert.ok(pathMatches(b.path, ['deploy', 'nodes', '*', 'profiles', '*', 'path']));
    assert.ok(pathEndsWith(b.path, ['profiles', '*', 'path']));
    assert.ok(!pathEndsWith(b.path, ['nodes', 'path']));
  });

  it('lists a set’s bindings with those of the sets nested in it, and finds nodes in a range', () => {
    const text = '{ a = { b = 1; c.d = 2; }; e = 3; }';
    const index = indexOf(text);
    const inner = index.bindingsNamed('b')[0]?.set;
    assert.ok(inner !== undefined);
    assert.deepEqual(index.bindingsUnder(inner).map((b) => b.path.map((p) => p.name).join('.')), ['a.b', 'a.c.d']);
    assert.equal(index.membersOf(inner).length, 2);
    assert.equal(index.nodesWithin('AttrPath', inner).length, 2);
  });
});

describe('resolving expressions within the file', () => {
  it('follows let variables, rec attributes, self and inherit to their values', () => {
    const text = `{
      inputs.nixpkgs.url = "x";
      outputs = { self, nixpkgs }: let sys = "armv7l-linux"; in rec {
        nixosModules.board = { nixpkgs.hostPlatform = sys; };
        viaRec = nixosModules.board;
        viaSelf = self.nixosModules.board;
        value = sys;
      };
    }`;
    const parsed = parse(text);
    const context = { text, parse: parsed, scopes: resolveScopes(parsed), today: new Date() };
    const { index, resolver } = analysisOf(context);
    const valueOf = (name: string) => index.bindingsNamed(name)[0]?.value;
    const board = resolver.resolve(valueOf('board'));
    assert.equal(board?.kind, 'AttrSet');
    assert.equal(resolver.resolve(valueOf('viaRec')), board);
    assert.equal(resolver.resolve(valueOf('viaSelf')), board);
    assert.equal(literalString(resolver.resolve(valueOf('value')), text), 'armv7l-linux');
  });
});

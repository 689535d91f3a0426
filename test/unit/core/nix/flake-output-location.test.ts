import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateFlakeOutput, splitOutputPath } from '../../../../src/core/nix/flake-output-location';

describe('locating a flake output in flake.nix', () => {
  it('splits output paths as Nix prints them, quoted names kept whole', () => {
    assert.deepEqual(splitOutputPath('packages.x86_64-linux.foo'), ['packages', 'x86_64-linux', 'foo']);
    assert.deepEqual(splitOutputPath('nixosConfigurations."pi.lan".config'), ['nixosConfigurations', 'pi.lan', 'config']);
  });

  it('finds dotted, nested and let-wrapped definitions, and the deepest written prefix', () => {
    const text = [
      '{',
      '  inputs = { };',
      '  outputs = { self }: let x = 1; in {',
      '    packages.x86_64-linux = { foo = x; };',
      '    checks = import ./checks.nix;',
      '  };',
      '}',
    ].join('\n');
    assert.deepEqual(locateFlakeOutput(text, ['packages', 'x86_64-linux', 'foo']), { line: 4, column: 31 });
    assert.deepEqual(locateFlakeOutput(text, ['checks', 'x86_64-linux', 'a']), { line: 5, column: 5 });
    assert.equal(locateFlakeOutput(text, ['apps']), undefined);
    assert.equal(locateFlakeOutput('import ./flake-body.nix', ['packages']), undefined);
  });
});

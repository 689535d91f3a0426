import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { flakeOutline, type OutlineNode } from '../../../../src/core/flake-outline';
import { parse } from '../../../../src/core/lang';

const seed = (name: string): string => readFileSync(join(__dirname, '../../../fixtures/seed', name), 'utf-8');

function paths(nodes: readonly OutlineNode[], depth: number): string[] {
  return nodes.flatMap((n) => [n.path.join('.'), ...(depth > 1 ? paths(n.children, depth - 1) : [])]);
}

function outline(text: string) {
  return flakeOutline(parse(text).root, text);
}

describe('flakeOutline', () => {
  it('lists description, inputs and outputs of the seed deploy-rs flake with name ranges', () => {
    const text = seed('04-deploy-rs.nix');
    const o = outline(text);
    assert.equal(o.description?.value, 'Build image');
    assert.deepEqual(o.inputs.map((i) => i.name), ['nixpkgs', 'deploy-rs']);
    assert.deepEqual(paths(o.outputs, 3), [
      'nixosConfigurations',
      'nixosConfigurations.vulpix',
      'images',
      'images.vulpix',
      'nixosModules',
      'nixosModules.vulpix',
      'nixosModules.vulpix.environment',
      'nixosModules.vulpix.nixpkgs',
      'nixosModules.vulpix.services',
      'nixosModules.vulpix.users',
      'nixosModules.vulpix.networking',
      'nixosModules.vulpix.boot',
      'deploy',
      'deploy.nodes',
      'deploy.nodes.vulpix',
    ]);
    const node = o.outputs.find((n) => n.name === 'deploy')?.children[0]?.children[0];
    assert.equal(node === undefined ? '' : text.slice(node.nameStart, node.nameEnd), 'vulpix');
  });

  it('sees through flake-utils eachSystem: packages are per system', () => {
    const o = outline(seed('01-humility-flake.nix'));
    assert.deepEqual(paths(o.outputs, 3), [
      'packages',
      'packages.<system>',
      'packages.<system>.humility',
      'packages.<system>.humility-cross-armv7l-linux',
      'packages.<system>.humility-cross-aarch64-linux',
      'defaultPackage',
      'defaultPackage.<system>',
    ]);
  });

  it('merges dotted and nested spellings and both sides of //', () => {
    const text = `{ outputs = { self }: let x = 1; in { packages.x86_64-linux.a = x; packages.x86_64-linux = { b = 2; }; } // { images.pi = 3; }; }`;
    assert.deepEqual(paths(outline(text).outputs, 3), ['packages', 'packages.x86_64-linux', 'packages.x86_64-linux.a', 'packages.x86_64-linux.b', 'images', 'images.pi']);
  });

  it('gives an empty outline for text that is not a flake, and never throws on broken text', () => {
    assert.deepEqual(outline('1 + 2').outputs, []);
    assert.deepEqual(outline('{ outputs = { self }: { packages. = ; ').inputs, []);
  });
});

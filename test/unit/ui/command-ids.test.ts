import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMAND_IDS } from '../../../src/ui/commands/command-ids';

interface Manifest {
  contributes: { commands: { command: string; title: string; category?: string }[]; menus: Record<string, { command: string }[]> };
}

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8')) as Manifest;
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf-8')) as Record<string, string>;

describe('command table and manifest', () => {
  it('lists the same command ids in package.json and the command table', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, [...COMMAND_IDS].sort());
  });

  it('gives every command a localised title and the NixOS Devices category', () => {
    for (const command of manifest.contributes.commands) {
      const key = /^%(.+)%$/.exec(command.title)?.[1];
      assert.ok(key !== undefined && nls[key] !== undefined, `${command.command} has a title in package.nls.json`);
      assert.equal(command.category, '%category%');
    }
  });

  it('menus name only declared commands', () => {
    const ids = new Set<string>(COMMAND_IDS);
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const entry of entries) assert.ok(ids.has(entry.command), `${menu} names ${entry.command}`);
    }
  });

  it('resolves every %key% of package.json in package.nls.json', () => {
    const text = readFileSync(join(root, 'package.json'), 'utf-8');
    const missing = [...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!).filter((k) => nls[k] === undefined);
    assert.deepEqual(missing, []);
  });
});

/**
 * foreign-arch-package's fixes: the seed's "let's add humility" step with the names the
 * front-end knows of the humility input (injected here as the language server would), and a
 * cross variant defined in the same file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, checkText, type Finding, type InputPackages } from '../../../../src/core/rules';

const TODAY = new Date('2026-11-25T12:00:00Z');
const SEED_06 = readFileSync(join(__dirname, '../../../fixtures/seed/06-humility-native-on-board.nix'), 'utf8');

/** The seed humility flake's packages: flake-utils over three systems, two cross variants each. */
const HUMILITY_SYSTEMS = ['x86_64-linux', 'aarch64-linux', 'armv7l-linux'];
const HUMILITY_NAMES = ['humility', 'humility-cross-aarch64-linux', 'humility-cross-armv7l-linux'];

function known(table: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>): { inputPackages: InputPackages; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    inputPackages: (input, system) => {
      asked.push(`${input} ${system}`);
      return table[input]?.[system];
    },
  };
}

function finding(text: string, inputPackages?: InputPackages): Finding {
  const found = checkText(text, { today: TODAY, ...(inputPackages === undefined ? {} : { inputPackages }) }).findings.filter((f) => f.ruleId === 'foreign-arch-package');
  assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
  return found[0]!;
}

function after(text: string, f: Finding, title: RegExp): string {
  const fix = f.fixes.find((x) => title.test(x.title));
  assert.ok(fix !== undefined, `no fix matching ${String(title)} among: ${f.fixes.map((x) => x.title).join(' | ')}`);
  return applyEdits(text, fix.edits);
}

describe('foreign-arch-package fixes', () => {
  it('points the seed’s native humility at the input’s cross variant for the board, the x-prefixed one first', () => {
    const { inputPackages, asked } = known({
      // A name that is a cross variant for armv7l but not humility's comes after it in the list
      // the flake reports: the x-prefixed variant must still win.
      humility: Object.fromEntries(HUMILITY_SYSTEMS.map((s) => [s, ['aaa-cross-armv7l-linux', ...HUMILITY_NAMES]])),
    });
    const f = finding(SEED_06, inputPackages);
    assert.ok(asked.includes('humility x86_64-linux'), asked.join(', '));
    assert.equal(f.fixes[0]?.isPreferred, true);
    assert.equal(f.fixes[0]?.title, 'Use humility.packages.x86_64-linux.humility-cross-armv7l-linux (built on x86_64-linux for armv7l-linux)');
    assert.deepEqual(f.fixes[0]?.edits.map((e) => [SEED_06.slice(e.start, e.end), e.newText]), [['humility', 'humility-cross-armv7l-linux']]);
    assert.match(f.message, /Use the flake's cross variant humility-cross-armv7l-linux \(built by your x86_64-linux machine for armv7l-linux\)/);
    const fixed = after(SEED_06, f, /cross-armv7l-linux/);
    assert.ok(fixed.includes('        humility.packages.x86_64-linux.humility-cross-armv7l-linux\n'), fixed);
    assert.equal(fixed.length, SEED_06.length + '-cross-armv7l-linux'.length, 'only the package name changes');
    // The fixed flake is the seed's own next step, which the rule accepts.
    assert.equal(checkText(fixed, { today: TODAY, inputPackages }).findings.filter((x) => x.ruleId === 'foreign-arch-package').length, 0);
  });

  it('offers the native package for the board as a second fix when the input has one', () => {
    const { inputPackages } = known({ humility: Object.fromEntries(HUMILITY_SYSTEMS.map((s) => [s, HUMILITY_NAMES])) });
    const f = finding(SEED_06, inputPackages);
    assert.equal(f.fixes.length, 2);
    const native = f.fixes[1]!;
    assert.equal(native.isPreferred, undefined);
    assert.match(native.title, /^Use humility\.packages\.armv7l-linux\.humility \(native for armv7l-linux: built under emulation, or fetched from a binary cache/);
    assert.ok(after(SEED_06, f, /native/).includes('        humility.packages.armv7l-linux.humility\n'));
  });

  it('no native fix when the input has no such package for the board; no fix at all when it has no variant', () => {
    const cross = known({ humility: { 'x86_64-linux': HUMILITY_NAMES, 'armv7l-linux': ['something-else'] } });
    assert.deepEqual(finding(SEED_06, cross.inputPackages).fixes.map((x) => x.title.split(' ')[1]), ['humility.packages.x86_64-linux.humility-cross-armv7l-linux']);
    // Cross variants for another target, or of another package, are no fix for this one.
    const other = known({ humility: { 'x86_64-linux': ['humility', 'humility-cross-aarch64-linux', 'probe-rs-cross-armv7l-linux'], 'armv7l-linux': [] } });
    assert.deepEqual(finding(SEED_06, other.inputPackages).fixes, []);
  });

  it('guesses nothing when the names are unknown: the message stays as it was', () => {
    const plain = finding(SEED_06);
    const unknown = finding(SEED_06, known({}).inputPackages);
    assert.deepEqual(plain.fixes, []);
    assert.deepEqual(unknown.fixes, []);
    assert.equal(unknown.message, plain.message);
    assert.match(plain.message, /Use the flake's cross variant for armv7l-linux if it has one/);
  });

  it('reads the input name through inputs@{…}, and rewrites a cross variant for the wrong target', () => {
    const text = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.humility.url = "github:oxidecomputer/humility";
  outputs = inputs@{ self, nixpkgs, ... }: {
    nixosConfigurations.pi = nixpkgs.lib.nixosSystem {
      system = "armv7l-linux";
      modules = [ { environment.systemPackages = [ inputs.humility.packages.x86_64-linux.humility-cross-aarch64-linux ]; } ];
    };
  };
}
`;
    const { inputPackages, asked } = known({ humility: Object.fromEntries(HUMILITY_SYSTEMS.map((s) => [s, HUMILITY_NAMES])) });
    const f = finding(text, inputPackages);
    assert.deepEqual([...new Set(asked)].sort(), ['humility armv7l-linux', 'humility x86_64-linux']);
    assert.match(after(text, f, /cross-armv7l/), /\[ inputs\.humility\.packages\.x86_64-linux\.humility-cross-armv7l-linux \]/);
    // The native fix drops the wrong suffix as well as changing the system.
    assert.match(after(text, f, /native/), /\[ inputs\.humility\.packages\.armv7l-linux\.humility \]/);
  });

  it('for `default`, offers the flake’s cross variants for the target whatever their names', () => {
    const text = readFileSync(join(__dirname, '../../../fixtures/rules/foreign-arch-package/fires-nixos-system.nix'), 'utf8');
    const { inputPackages } = known({ tool: { 'x86_64-linux': ['default', 'tool', 'tool-cross-aarch64-linux', 'tool-cross-armv7l-linux'] } });
    const found = checkText(text, { today: TODAY, inputPackages }).findings.filter((f) => f.ruleId === 'foreign-arch-package');
    const tool = found.find((f) => text.slice(f.start, f.end).startsWith('tool.'));
    assert.ok(tool !== undefined);
    assert.deepEqual(tool.fixes.map((x) => x.edits[0]?.newText), ['tool-cross-aarch64-linux']);
    // nixpkgs' legacyPackages is never asked about.
    const htop = found.find((f) => text.slice(f.start, f.end).includes('legacyPackages'));
    assert.deepEqual(htop?.fixes, []);
  });

  it('uses a cross variant the same flake defines for itself (self.packages), with no help from outside', () => {
    const fixture = (name: string): string => readFileSync(join(__dirname, '../../../fixtures/rules/foreign-arch-package', name), 'utf8');
    const literal = fixture('fires-self-cross-variant.nix');
    const f = finding(literal);
    assert.deepEqual(f.fixes.map((x) => x.edits.map((e) => e.newText)), [['probe-cross-armv7l-linux'], ['armv7l-linux']]);
    assert.equal(f.fixes[0]?.title, 'Use self.packages.x86_64-linux.probe-cross-armv7l-linux (built on x86_64-linux for armv7l-linux)');
    assert.match(after(literal, f, /native/), /\[ self\.packages\.armv7l-linux\.probe \]/);
    // flake-utils: the per-system set holds the variant; whether armv7l-linux is among its
    // systems the file does not say for sure, so no native fix.
    const perSystem = fixture('fires-self-per-system.nix');
    const g = finding(perSystem);
    assert.deepEqual(g.fixes.map((x) => x.edits.map((e) => e.newText)), [['gadget-cross-armv7l-linux']]);
    assert.match(after(perSystem, g, /cross/), /\[ pkgs\.git self\.packages\.x86_64-linux\.gadget-cross-armv7l-linux \]/);
  });

  it('quotes a variant whose name is not an identifier', () => {
    const { inputPackages } = known({ humility: { 'x86_64-linux': ['humility', 'humility-cross-armv7l-linux.v2'] } });
    const f = finding(SEED_06, inputPackages);
    assert.equal(f.fixes[0]?.edits[0]?.newText, '"humility-cross-armv7l-linux.v2"');
    assert.equal(checkText(after(SEED_06, f, /v2/), { today: TODAY }).parse.errors.length, 0);
  });
});

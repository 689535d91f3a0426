import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferLogger } from '../../../../src/core/log';
import { checkText, checkTextWith, RULES, type Rule } from '../../../../src/core/rules';

const FLAKE = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-23.05";
  outputs = { self, nixpkgs }: let unused = 1; in {
    overlay = final: prev: { };
    x = undefinedName;
  };
}
`;
const TODAY = new Date('2026-11-25T12:00:00Z');

describe('checkText', () => {
  it('lists every rule once, with ids in kebab-case and a description', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(RULES.length, 16);
    for (const rule of RULES) {
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(rule.description.length > 40, rule.id);
    }
  });

  it('returns findings sorted by position', () => {
    const { findings } = checkText(FLAKE, { today: TODAY });
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['nixpkgs-channel-eol', 'unused-binding', 'flake-deprecated-output', 'undefined-variable'],
    );
    const starts = findings.map((f) => f.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  });

  it('keeps the other rules running when one throws, and logs the failure', () => {
    const broken: Rule = {
      id: 'broken',
      defaultSeverity: 'error',
      description: 'a stand-in rule that always throws',
      check: () => {
        throw new Error('boom');
      },
    };
    const logger = new BufferLogger();
    const result = checkTextWith([broken, ...RULES], FLAKE, { today: TODAY, logger });
    assert.equal(result.findings.length, 4);
    assert.deepEqual(result.failures.map((f) => f.ruleId), ['broken']);
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.message.includes('broken') && l.message.includes('boom')));
  });

  it('skips disabled rules, rules turned off, and the syntax/scope rules when asked', () => {
    const disabled = checkText(FLAKE, { today: TODAY, disabledRules: new Set(['unused-binding']) });
    assert.ok(!disabled.findings.some((f) => f.ruleId === 'unused-binding'));
    const off = checkText(FLAKE, { today: TODAY, severityOverrides: new Map([['nixpkgs-channel-eol', 'off']]) });
    assert.ok(!off.findings.some((f) => f.ruleId === 'nixpkgs-channel-eol'));
    const flakeOnly = checkText(FLAKE, { today: TODAY, syntaxAndScope: false });
    assert.deepEqual(flakeOnly.findings.map((f) => f.ruleId), ['nixpkgs-channel-eol', 'flake-deprecated-output']);
  });

  it('applies severity overrides', () => {
    const { findings } = checkText(FLAKE, { today: TODAY, severityOverrides: new Map([['flake-deprecated-output', 'error']]) });
    assert.equal(findings.find((f) => f.ruleId === 'flake-deprecated-output')?.severity, 'error');
  });

  it('judges end of life by the given date', () => {
    assert.ok(!checkText(FLAKE, { today: new Date('2023-12-01T00:00:00Z') }).findings.some((f) => f.ruleId === 'nixpkgs-channel-eol'));
    assert.ok(checkText(FLAKE, { today: new Date('2024-01-01T00:00:00Z') }).findings.some((f) => f.ruleId === 'nixpkgs-channel-eol'));
  });

  it('never throws on broken text and still reports what it can', () => {
    for (const text of ['', '{', '}}}', 'let in', '{ a = "unterminated', '\u0000\uffff', 'x: x.${', '{ outputs = { self, nix }: 1; }']) {
      const result = checkText(text, { today: TODAY });
      assert.deepEqual(result.failures, [], JSON.stringify(text));
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSubcommand, HUMILITY_SUBCOMMANDS, type HumilitySubcommand } from '../../../../src/core/humility';
import type { ProbeEntry } from '../../../../src/core/ports';
import { humilityArgs, humilityTerminalName, optionPicks, probeDecision, splitArguments, subcommandPicks, toTerminalText } from '../../../../src/ui/humility/humility-pick-model';

function subcommand(name: string): HumilitySubcommand {
  const found = findSubcommand(name);
  assert.ok(found, name);
  return found;
}

const probe = (serial: string, index: number): ProbeEntry => ({ usb: { id: '0483:3748', serialNumber: serial, busPort: `1-1.${String(index + 2)}` }, label: 'ST-Link V2', humilityIndex: index });

describe('humility quick pick model', () => {
  it('offers every catalogued subcommand, then Other…, noting options and a missing archive', () => {
    const picks = subcommandPicks(false);
    assert.deepEqual(picks.map((p) => p.label), [...HUMILITY_SUBCOMMANDS.map((s) => s.name), 'Other…']);
    assert.equal(picks.at(-1)?.subcommand, undefined);
    const tasks = picks.find((p) => p.label === 'tasks');
    assert.equal(tasks?.detail, 'options -v -r -s -l · argument TASK · needs an archive (humility.archive in the device settings)');
    assert.equal(picks.find((p) => p.label === 'probe')?.detail, undefined);
    assert.equal(subcommandPicks(true).find((p) => p.label === 'tasks')?.detail, 'options -v -r -s -l · argument TASK');
  });

  it("lists a subcommand's options with their descriptions", () => {
    assert.deepEqual(optionPicks(subcommand('flash')).map((o) => o.label), ['-R', '-n']);
    assert.deepEqual(optionPicks(subcommand('probe')), []);
  });

  it('builds argv: subcommand, options (with values), then the typed words unexpanded', () => {
    const tasks = subcommand('tasks');
    const [s, l] = tasks.options.filter((o) => o.flag === '-s' || o.flag === '-l');
    assert.ok(s && l);
    assert.deepEqual(humilityArgs(tasks, [{ option: s }, { option: l }], ' jefe '), ['tasks', '-s', '-l', 'jefe']);
    assert.deepEqual(humilityArgs(undefined, [], `readvar -l`), ['readvar', '-l']);
    assert.deepEqual(humilityArgs(tasks, [{ option: { flag: '-x', description: '', value: 'N' }, value: '3' }], ''), ['tasks', '-x', '3']);
    assert.deepEqual(splitArguments(`dump "/tmp/a b.core" 'it''s' \\$HOME "q\\"x" ''`), ['dump', '/tmp/a b.core', 'its', '$HOME', 'q"x', '']);
    assert.throws(() => splitArguments('dump "open'), /unclosed " quote/);
  });

  it('asks for the probe only when several are attached and the settings name none', () => {
    const two = [probe('AAA', 0), probe('BBB', 1)];
    assert.deepEqual(probeDecision('usb-1', two), { kind: 'settings', value: 'usb-1' });
    assert.deepEqual(probeDecision(undefined, [probe('AAA', 0)]), { kind: 'default' });
    assert.deepEqual(probeDecision(undefined, []), { kind: 'default' });
    assert.deepEqual(probeDecision(undefined, two, false), { kind: 'default' });
    const decision = probeDecision(undefined, two);
    assert.equal(decision.kind, 'pick');
    assert.deepEqual(decision.kind === 'pick' ? decision.choices.map((c) => c.value) : [], ['0483:3748:AAA', '0483:3748:BBB']);
  });

  it('names terminals and turns LF into CRLF', () => {
    assert.equal(humilityTerminalName(['tasks', '-sl'], 'vulpix'), 'Humility: tasks -sl (vulpix)');
    assert.equal(humilityTerminalName(['readvar', 'A_VERY_LONG_VARIABLE_NAME_INDEED_YES'], undefined), 'Humility: readvar A_VERY_LONG_VARIABLE_…');
    assert.equal(toTerminalText('a\nb\r\nc\n'), 'a\r\nb\r\nc\r\n');
  });
});

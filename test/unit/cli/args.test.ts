import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../src/cli/args';
import { DevicesError } from '../../../src/core/errors';

describe('parseArgs', () => {
  it('reads boolean flags, value flags in both spellings, positionals and what follows --', () => {
    const parsed = parseArgs(['--json', 'a', '--baud', '9600', '--log=x.log', 'b', '--', '--raw'], { booleans: ['json'], values: ['baud', 'log'] }, 'serial');
    assert.equal(parsed.flags.get('json'), true);
    assert.equal(parsed.flags.get('baud'), '9600');
    assert.equal(parsed.flags.get('log'), 'x.log');
    assert.deepEqual(parsed.positional, ['a', 'b']);
    assert.deepEqual(parsed.rest, ['--raw']);
  });

  it('rejects an unknown flag, naming it', () => {
    assert.throws(
      () => parseArgs(['--yse'], { booleans: ['yes'] }, 'flash'),
      (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT' && /--yse/.test(e.message),
    );
  });

  it('rejects a value flag without its value', () => {
    assert.throws(() => parseArgs(['--baud'], { values: ['baud'] }, 'serial'), /--baud needs a value/);
  });
});

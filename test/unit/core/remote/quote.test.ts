import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { quoteArg, quoteArgv } from '../../../../src/core/remote';

describe('quoteArgv', () => {
  it('leaves plain words readable', () => {
    assert.equal(quoteArgv(['nix-store', '--import', '/nix/store/abc-x']), 'nix-store --import /nix/store/abc-x');
  });

  it('single-quotes everything a shell would interpret', () => {
    assert.equal(quoteArg('$(touch /tmp/x)'), "'$(touch /tmp/x)'");
    assert.equal(quoteArg('`id`'), "'`id`'");
    assert.equal(quoteArg('a b'), "'a b'");
    assert.equal(quoteArg('~root'), "'~root'");
    assert.equal(quoteArg('A=b'), "'A=b'");
  });

  it("writes a single quote as '\\''", () => {
    assert.equal(quoteArg("it's"), `'it'\\''s'`);
  });

  it('keeps empty arguments as an empty word', () => {
    assert.equal(quoteArgv(['printf', '%s', '']), "printf %s ''");
  });

  it('rejects NUL with an INVALID_ARGUMENT error, and an empty argv', () => {
    assert.throws(() => quoteArgv(['echo', 'a\0b']), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT' && /NUL/.test(e.message));
    assert.throws(() => quoteArgv([]), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT');
  });
});

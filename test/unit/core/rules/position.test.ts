import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { offsetToPosition, PositionMapper } from '../../../../src/core/rules';

describe('offsetToPosition', () => {
  it('counts 0-based lines and UTF-16 characters across LF, CR LF and CR', () => {
    const text = 'ab\ncd\r\nef\rgh';
    assert.deepEqual(offsetToPosition(text, 0), { line: 0, character: 0 });
    assert.deepEqual(offsetToPosition(text, 2), { line: 0, character: 2 });
    assert.deepEqual(offsetToPosition(text, 3), { line: 1, character: 0 });
    assert.deepEqual(offsetToPosition(text, 7), { line: 2, character: 0 });
    assert.deepEqual(offsetToPosition(text, 10), { line: 3, character: 0 });
    assert.deepEqual(offsetToPosition(text, 12), { line: 3, character: 2 });
  });

  it('counts a character outside the BMP as two, as LSP does', () => {
    assert.deepEqual(offsetToPosition('"🐧" x', 5), { line: 0, character: 5 });
  });

  it('clamps offsets outside the text and maps positions back', () => {
    const mapper = new PositionMapper('a\nbc');
    assert.deepEqual(mapper.positionAt(99), { line: 1, character: 2 });
    assert.deepEqual(mapper.positionAt(-1), { line: 0, character: 0 });
    assert.equal(mapper.offsetAt({ line: 1, character: 1 }), 3);
  });
});

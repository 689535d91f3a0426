import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../../../src/core/lang';

describe('LineIndex: offsets and LSP positions', () => {
  it('counts lines at \\n, \\r\\n and \\r', () => {
    const index = new LineIndex('a\nb\r\nc\rd');
    assert.deepEqual([0, 2, 5, 7].map((o) => index.positionAt(o)), [
      { line: 0, character: 0 },
      { line: 1, character: 0 },
      { line: 2, character: 0 },
      { line: 3, character: 0 },
    ]);
    assert.equal(index.lineCount, 4);
  });
  it('counts characters in UTF-16 code units, as LSP does', () => {
    const text = 'x = "😀é"; y';
    const index = new LineIndex(text);
    assert.deepEqual(index.positionAt(text.indexOf('y')), { line: 0, character: 11 });
  });
  it('turns positions back into offsets, clamped to the line', () => {
    const index = new LineIndex('ab\ncd');
    assert.equal(index.offsetAt({ line: 1, character: 1 }), 4);
    assert.equal(index.offsetAt({ line: 0, character: 99 }), 3);
    assert.equal(index.offsetAt({ line: 9, character: 0 }), 5);
    assert.deepEqual(index.rangeOf({ start: 1, end: 4 }), { start: { line: 0, character: 1 }, end: { line: 1, character: 1 } });
  });
});

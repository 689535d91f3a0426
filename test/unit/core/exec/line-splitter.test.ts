import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../../../src/core/exec';

describe('LineSplitter', () => {
  it('joins lines split across chunks and strips CR', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.push('ab');
    splitter.push('c\r\nde');
    splitter.push('f\ng');
    splitter.end();
    assert.deepEqual(lines, ['abc', 'def', 'g']);
  });

  it('cuts a line longer than the bound instead of growing without limit', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), 4);
    splitter.push('abcdefghij\n');
    assert.deepEqual(lines, ['abcdefghij']);
    splitter.push('abcdefghij');
    assert.deepEqual(lines.slice(1), ['abcd', 'efgh']);
    splitter.end();
    assert.deepEqual(lines.slice(3), ['ij']);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('é\n');
    splitter.push(bytes.subarray(0, 1));
    splitter.push(bytes.subarray(1));
    assert.deepEqual(lines, ['é']);
  });
});

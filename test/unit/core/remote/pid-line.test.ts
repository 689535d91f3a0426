import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { PidLineStripper } from '../../../../src/core/remote/pid-line';

async function strip(chunks: readonly string[]): Promise<{ pid: number | undefined; rest: string }> {
  let pid: number | undefined = -1;
  const out: Buffer[] = [];
  const stream = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(
    new PidLineStripper((p) => {
      pid = p;
    }),
  );
  for await (const chunk of stream) out.push(chunk as Buffer);
  return { pid, rest: Buffer.concat(out).toString() };
}

describe('PidLineStripper', () => {
  it('takes the pid line off stderr even when it arrives in pieces', async () => {
    assert.deepEqual(await strip(['12', '34\nwarn', 'ing\n']), { pid: 1234, rest: 'warning\n' });
  });

  it('passes everything through when the first line is not a pid', async () => {
    assert.deepEqual(await strip(['sh: not a pid\n']), { pid: undefined, rest: 'sh: not a pid\n' });
  });

  it('reports no pid for an empty stderr', async () => {
    assert.deepEqual(await strip([]), { pid: undefined, rest: '' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelLimit } from '../../../../src/core/remote/channel-limit';

describe('ChannelLimit', () => {
  it('queues opens beyond the limit until a channel is released, in order', async () => {
    const limit = new ChannelLimit(2);
    const order: string[] = [];
    const a = await limit.acquire();
    const b = await limit.acquire();
    const c = limit.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = limit.acquire().then((release) => {
      order.push('d');
      return release;
    });
    await Promise.resolve();
    assert.deepEqual(order, []);
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['c'], 'd still waits');
    b();
    (await d)();
    releaseC();
    assert.deepEqual(order, ['c', 'd']);
  });

  it('gives up waiting when the signal aborts', async () => {
    const limit = new ChannelLimit(1);
    await limit.acquire();
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
  });
});

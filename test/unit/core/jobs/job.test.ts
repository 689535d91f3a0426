import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevicesError } from '../../../../src/core/errors';
import { Job, type JobEvent } from '../../../../src/core/jobs';

describe('Job', () => {
  it('sends phase, progress and log events, then a succeeded result', async () => {
    const job = Job.start('demo', async (ctx) => {
      ctx.phase('writing');
      ctx.progress({ done: 1, total: 2, unit: 'bytes' });
      ctx.log('hello');
      return 42;
    });
    const events: JobEvent<number>[] = [];
    job.onEvent((e) => events.push(e));
    const outcome = await job.done;
    assert.deepEqual(outcome, { status: 'succeeded', value: 42 });
    assert.deepEqual(
      events.map((e) => e.kind),
      ['phase', 'progress', 'log', 'result'],
    );
    assert.equal(job.phase, 'writing');
  });

  it('ends failed with the DevicesError the body threw', async () => {
    const job = Job.start('fails', () => Promise.reject(new DevicesError('DRIVE_TOO_SMALL', 'too small')));
    const outcome = await job.done;
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' && outcome.error.code, 'DRIVE_TOO_SMALL');
    await assert.rejects(job.result(), /too small/);
  });

  it('ends cancelled, not failed, when cancelled while the body waits on the signal', async () => {
    const job = Job.start('waits', (ctx) => new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))));
    setImmediate(() => job.cancel());
    const outcome = await job.done;
    assert.equal(outcome.status, 'cancelled');
  });

  it('cancels child jobs with their parent', async () => {
    let child: Job<void> | undefined;
    const parent = Job.start('parent', async (ctx) => {
      child = ctx.child('child', (c) => new Promise<void>((_, reject) => c.signal.addEventListener('abort', () => reject(new Error('x')))));
      await child.result();
    });
    setImmediate(() => setImmediate(() => parent.cancel()));
    assert.equal((await parent.done).status, 'cancelled');
    assert.equal((await child!.done).status, 'cancelled');
  });

  it('keeps going when a listener throws', async () => {
    const job = Job.start('robust', async (ctx) => {
      ctx.log('x');
      return 'ok';
    });
    job.onEvent(() => {
      throw new Error('renderer bug');
    });
    assert.deepEqual(await job.done, { status: 'succeeded', value: 'ok' });
  });
});

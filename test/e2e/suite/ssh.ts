/**
 * The SSH stack inside the real extension host: ssh2 lives in its own bundle (dist/ssh2.js),
 * required on the first connection. A connection to a closed local port must fail as
 * DEVICE_UNREACHABLE, which proves the bundle loaded and ran, in the development host and in the
 * installed .vsix alike.
 */
import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import { extensionContext } from './activation';

suite('SSH stack', () => {
  test('loads ssh2 on first use and reports an unreachable device clearly', async () => {
    const ctx = await extensionContext();
    await assert.rejects(ctx.devices.pool.connection({ host: '127.0.0.1', port: 1, user: 'root' }), (error: unknown) => {
      assert.equal((error as { code?: unknown }).code, 'DEVICE_UNREACHABLE', String(error));
      return true;
    });
  });
});

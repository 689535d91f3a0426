import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkForeignSystem, NixCli, nixSystemOf, readBinfmtHandlers, readNixPlatformSettings } from '../../../src/core/nix';
import { nixTestEnv } from '../../harness/nix';

describe('foreign-system detection on this machine', () => {
  it('reads Nix platform settings and binfmt handlers, and refuses a system Nix does not accept here', async () => {
    const settings = await readNixPlatformSettings(new NixCli({ env: nixTestEnv() }));
    assert.equal(settings.system, nixSystemOf(process.arch, process.platform));
    const handlers = await readBinfmtHandlers();
    assert.equal(checkForeignSystem(settings.system, settings, handlers).verdict, 'native');
    const foreign = settings.system.startsWith('aarch64') ? 'riscv64-linux' : 'aarch64-linux';
    const expected = settings.extraPlatforms.includes(foreign) ? ['emulated', 'no-binfmt'] : ['unsupported'];
    assert.ok(expected.includes(checkForeignSystem(foreign, settings, handlers).verdict));
  });
});

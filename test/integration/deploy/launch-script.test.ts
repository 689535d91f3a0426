import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LAUNCH_SCRIPT } from '../../../src/core/deploy';
import { makeTempDir } from '../../harness/temp-dir';

describe('the board-side launcher, run by the real sh', () => {
  const temp = makeTempDir('deploy-launch');
  after(() => temp.remove());

  it('starts the script under systemd-run with nixos-rebuild\'s unit name, arguments byte for byte', () => {
    // Stand-in for systemd-run (this machine runs no systemd): records the argv it was given.
    const bin = join(temp.path, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    const record = join(temp.path, 'argv');
    writeFileSync(join(bin, 'systemd-run'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > ${record}\n`);
    chmodSync(join(bin, 'systemd-run'), 0o755);
    const state = join(temp.path, `state $(touch ${temp.path}/pwned) 'q'`);
    const args = [state, 'profile', '/nix/store/x', 'switch', '30', '240', ''];
    execFileSync('sh', ['-c', LAUNCH_SCRIPT, 'launch', 'SCRIPT TEXT', 'systemd-run', ...args], { env: { PATH: `${bin}:/usr/bin:/bin` } });
    const argv = readFileSync(record, 'utf-8').split('\0').slice(0, -1);
    assert.deepEqual(argv, ['--collect', '--no-ask-password', '--quiet', '--service-type=exec', '--unit=nixos-rebuild-switch-to-configuration', '--', '/bin/sh', '-c', 'SCRIPT TEXT', 'nixos-devices-magic-rollback', ...args]);
    assert.ok(existsSync(state), 'the state folder was made');
    assert.equal(existsSync(join(temp.path, 'pwned')), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploySucceeded, magicRollbackArgv, outcomeError, outcomeFromBoardState, parseBoardDeployState, sshTargetOfNode, signatureHelp, LAUNCH_SCRIPT, MAGIC_ROLLBACK_SCRIPT } from '../../../../src/core/deploy';
import { quoteArgv } from '../../../../src/core/remote';

const SYSTEM = '/nix/store/00000000000000000000000000000000-nixos-system-x-23.05.1';

describe('the board state and the deploy outcome', () => {
  it('reads the key=value state the board prints', () => {
    const state = parseBoardDeployState('status=done\noutcome=rolled-back timeout\nprevious-generation=2\nnew-generation=3\nprevious-system=/nix/store/x\n');
    assert.deepEqual(state, { status: 'done', outcome: 'rolled-back timeout', previousSystem: '/nix/store/x', previousGeneration: 2, newGeneration: 3 });
  });

  it('is undecided until the board says done', () => {
    assert.equal(outcomeFromBoardState({ status: 'activated' }, SYSTEM, 'switch'), undefined);
  });

  it('maps confirmed, staged and rolled-back records', () => {
    assert.deepEqual(outcomeFromBoardState({ status: 'done', outcome: 'confirmed', newGeneration: 3 }, SYSTEM, 'switch'), { kind: 'confirmed', systemPath: SYSTEM, generation: 3 });
    assert.deepEqual(outcomeFromBoardState({ status: 'done', outcome: 'confirmed', newGeneration: 3 }, SYSTEM, 'boot'), { kind: 'staged-for-boot', systemPath: SYSTEM, generation: 3 });
    assert.deepEqual(outcomeFromBoardState({ status: 'done', outcome: 'rolled-back health-check', previousGeneration: 2 }, SYSTEM, 'switch'), { kind: 'rolled-back', reason: 'health-check', restoredGeneration: 2 });
    assert.equal(outcomeFromBoardState({ status: 'done', outcome: 'failed set-profile' }, SYSTEM, 'switch')?.kind, 'failed-before-activation');
  });

  it('a rollback is never a success, and its error is DEPLOY_ROLLED_BACK', () => {
    const outcome = { kind: 'rolled-back', reason: 'timeout' } as const;
    assert.equal(deploySucceeded(outcome), false);
    assert.equal(outcomeError('vulpix', outcome)?.code, 'DEPLOY_ROLLED_BACK');
    assert.match(outcomeError('vulpix', outcome)?.message ?? '', /^vulpix rolled back to its previous system: no confirmation/);
    assert.equal(outcomeError('vulpix', { kind: 'confirmed', systemPath: SYSTEM }), undefined);
  });
});

describe('the magic rollback command', () => {
  it('passes every value as a positional argument, never in the script text', () => {
    const hostile = `/tmp/$(touch x) 'q' "d"\nnl`;
    const argv = magicRollbackArgv('setsid', [hostile, '/nix/var/nix/profiles/system', SYSTEM, 'switch', '30', '240', '']);
    assert.deepEqual(argv.slice(0, 7), ['sh', '-c', LAUNCH_SCRIPT, 'nixos-devices-launch', MAGIC_ROLLBACK_SCRIPT, 'setsid', hostile]);
    assert.ok(!MAGIC_ROLLBACK_SCRIPT.includes(hostile) && !LAUNCH_SCRIPT.includes(hostile));
    assert.ok(quoteArgv(argv).includes(`'/tmp/$(touch x) '\\''q'\\'' "d"\nnl'`));
  });

  it('runs under the unit name nixos-rebuild uses when systemd is there', () => {
    assert.match(LAUNCH_SCRIPT, /systemd-run --collect --no-ask-password --quiet --service-type=exec --unit=nixos-rebuild-switch-to-configuration -- /);
    assert.match(LAUNCH_SCRIPT, /\[ -d \/run\/systemd\/system \]/);
  });
});

describe('a deploy node as an SSH target', () => {
  it('takes port, identity, user and config file from sshOpts and reports the rest', () => {
    const { target, configFile, ignoredOpts } = sshTargetOfNode({ name: 'n', attrPath: 'deploy.nodes.n', hostname: '10.0.0.2', sshUser: 'root', sshOpts: ['-p', '2222', '-i', '/k', '-F', '/c', '-o', 'Foo=bar'], profiles: [] });
    assert.deepEqual(target, { host: '10.0.0.2', port: 2222, user: 'root', identityFile: '/k' });
    assert.equal(configFile, '/c');
    assert.deepEqual(ignoredOpts, ['-o', 'Foo=bar']);
  });
  it('refuses a node without a hostname', () => {
    assert.throws(() => sshTargetOfNode({ name: 'n', attrPath: 'x', sshOpts: [], profiles: [] }), /has no hostname/);
  });
});

describe('a non-root login that the board refuses for lack of signatures', () => {
  it('says how to fix it: sign and trust the key, or trust the user', () => {
    const error = signatureHelp('ssh://deploy@vulpix', "error: cannot add path '/nix/store/x' because it lacks a signature by a trusted key");
    assert.equal(error.code, 'DEPLOY_FAILED');
    assert.match(error.message, /trusted-public-keys/);
    assert.match(error.message, /trusted-users/);
  });
});

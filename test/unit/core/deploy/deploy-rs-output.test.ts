import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDeployRsLine, parseDeployRsOutput } from '../../../../src/core/deploy';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../../fixtures/deploy-rs', name), 'utf-8');

describe('deploy-rs output parser (fixtures transcribed from deploy-rs issues, see SOURCES.md)', () => {
  it('reports a rollback after "Deployment confirmed." even though deploy-rs exited 0 (#214)', () => {
    const { outcome, phases } = parseDeployRsOutput(fixture('issue-214-rollback-after-confirmed.log'), 0);
    assert.deepEqual(outcome, { kind: 'rolled-back', reason: 'timeout', detail: 'Error waiting for confi' });
    assert.deepEqual(phases, ['building', 'copying', 'activating', 'confirming']);
  });

  it('reports a confirmed deploy when the run ends after the confirmation (#214, prefix)', () => {
    assert.equal(parseDeployRsOutput(fixture('issue-214-confirmed-prefix.log'), 0).outcome.kind, 'confirmed');
  });

  it('reads the restored generation from nix-env after a confirmation timeout (#68)', () => {
    const { outcome, phases } = parseDeployRsOutput(fixture('issue-68-timeout-rollback.log'), 0);
    assert.equal(outcome.kind, 'rolled-back');
    assert.equal(outcome.kind === 'rolled-back' ? outcome.reason : '', 'timeout');
    assert.equal(outcome.kind === 'rolled-back' ? outcome.restoredGeneration : 0, 18);
    assert.deepEqual(phases, ['rolling-back']);
  });

  it('reports an activation failure that deploy-rs says it rolled back (#241)', () => {
    const { outcome } = parseDeployRsOutput(fixture('issue-241-activation-failed-rolled-back.log'), 1);
    assert.equal(outcome.kind, 'rolled-back');
    assert.equal(outcome.kind === 'rolled-back' ? outcome.reason : '', 'activation-failed');
  });

  it('does not claim to know what the board did when deploy-rs only reports a failure (#58)', () => {
    const { outcome } = parseDeployRsOutput(fixture('issue-58-activation-failed.log'), 1);
    assert.equal(outcome.kind, 'unknown');
    assert.match(outcome.kind === 'unknown' ? outcome.message : '', /Waiting over SSH resulted in a bad exit code/);
  });

  it('reports a confirmation timeout followed by a panic as rolled back (#287)', () => {
    const { outcome } = parseDeployRsOutput(fixture('issue-287-confirmation-timeout.log'), 101);
    assert.equal(outcome.kind === 'rolled-back' ? outcome.reason : outcome.kind, 'timeout');
  });

  it('reads both the terminal and the log-file line formats, and keeps other lines as text', () => {
    assert.deepEqual(parseDeployRsLine('🚀 ℹ️ [deploy] [INFO] Copying profile `system` to node `x`'), { kind: 'log', source: 'deploy', level: 'INFO', message: 'Copying profile `system` to node `x`' });
    assert.deepEqual(parseDeployRsLine('INFO [deploy::push] Building profile `system` for node `router`'), { kind: 'log', source: 'deploy', level: 'INFO', message: 'Building profile `system` for node `router`' });
    assert.deepEqual(parseDeployRsLine('updating GRUB 2 menu...'), { kind: 'text', text: 'updating GRUB 2 menu...' });
  });

  it('a build failure is a failure before activation', () => {
    const { outcome } = parseDeployRsOutput('🚀 ℹ️ [deploy] [INFO] Building profile `system` for node `x`\n🚀 ❌ [deploy] [ERROR] Failed to push profile: Nix build command resulted in a bad exit code: Some(1)\n', 1);
    assert.equal(outcome.kind, 'failed-before-activation');
  });
});

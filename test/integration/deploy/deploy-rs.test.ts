import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runDeployRs } from '../../../src/core/deploy';
import { makeTempDir } from '../../harness/temp-dir';

const FIXTURES = join(__dirname, '../../fixtures/deploy-rs');

describe('running deploy-rs (a stand-in replaying a real transcript) into the same outcome', () => {
  const temp = makeTempDir('deploy-rs');
  after(() => temp.remove());

  it('reports rolled-back although deploy-rs exited 0, with phases and log lines on the way', async () => {
    const phases: string[] = [];
    const lines: string[] = [];
    const argsFile = join(temp.path, 'args');
    const { outcome, exitCode } = await runDeployRs(
      {
        program: join(FIXTURES, 'deploy-stand-in.sh'),
        target: `.#$(touch ${temp.path}/x) "n"`,
        args: ['--confirm-timeout', '30'],
        cwd: temp.path,
        env: { DEPLOY_RS_STAND_IN_LOG: join(FIXTURES, 'issue-214-rollback-after-confirmed.log'), DEPLOY_RS_STAND_IN_EXIT: '0', DEPLOY_RS_STAND_IN_ARGS: argsFile },
      },
      { signal: new AbortController().signal, phase: (p) => phases.push(p), progress: () => undefined, log: (l) => lines.push(l) },
    );
    assert.equal(exitCode, 0);
    assert.equal(outcome.kind, 'rolled-back');
    assert.deepEqual(phases, ['building', 'copying', 'activating', 'confirming']);
    assert.ok(lines.includes('🚀 ℹ [deploy] [INFO] Deployment confirmed.'));
    assert.equal(readFileSync(argsFile, 'utf-8'), `--confirm-timeout\n30\n--\n.#$(touch ${temp.path}/x) "n"\n`);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildArgs } from '../../../../src/core/nix';

describe('buildArgs', () => {
  it('builds with logs and JSON results, one out-link per single target under the folder', () => {
    const { args, singleLink } = buildArgs(['.#images.vulpix'], { cwd: '/w', outLinkDir: '.links' });
    assert.deepEqual(args, ['build', '.#images.vulpix', '-L', '--json', '--out-link', '/w/.links/images.vulpix']);
    assert.equal(singleLink, '/w/.links/images.vulpix');
  });

  it('links several targets afterwards, and none without a folder', () => {
    const several = buildArgs(['.#a', '.#b'], { cwd: '/w', outLinkDir: '/links' });
    assert.ok(several.args.includes('--no-link'));
    assert.equal(several.linkDir, '/links');
    assert.equal(several.singleLink, undefined);
    assert.ok(buildArgs(['.#a'], {}).args.includes('--no-link'));
  });

  it('passes remote builders, a build host and extra arguments, with no out-link on a build host', () => {
    const { args, storeArgs, linkDir } = buildArgs(['.#a'], {
      outLinkDir: '/links',
      builders: 'ssh://pi aarch64-linux',
      buildHost: 'ssh-ng://builder',
      extraArgs: ['--override-input', 'nixpkgs', 'path:./stub'],
    });
    assert.deepEqual(args, [
      'build', '.#a', '-L', '--json', '--no-link', '--builders', 'ssh://pi aarch64-linux', '--store', 'ssh-ng://builder',
      '--override-input', 'nixpkgs', 'path:./stub',
    ]);
    assert.deepEqual(storeArgs, ['--store', 'ssh-ng://builder']);
    assert.equal(linkDir, undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeNameOfAttrPath } from '../../../../src/ui/devices/node-name';

describe('nodeNameOfAttrPath', () => {
  it('reads plain and quoted node names from a lens attribute path', () => {
    assert.equal(nodeNameOfAttrPath('deploy.nodes.vulpix'), 'vulpix');
    assert.equal(nodeNameOfAttrPath('deploy.nodes."my board $(x)"'), 'my board $(x)');
  });

  it('rejects paths that are not deploy nodes', () => {
    assert.equal(nodeNameOfAttrPath('images.vulpix'), undefined);
    assert.equal(nodeNameOfAttrPath('deploy.nodes.'), undefined);
    assert.equal(nodeNameOfAttrPath('deploy.nodes."unterminated'), undefined);
  });
});

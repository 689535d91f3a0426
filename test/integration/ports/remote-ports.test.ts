import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { listPorts, listRemotePorts } from '../../../src/core/ports';
import { connectSsh, type SshConnection } from '../../../src/core/remote';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { resolveBoard, writeClientFiles } from '../remote/remote-fixture';
import { buildPortTree } from './port-tree';

describe('ports on a board over SSH', () => {
  const temp = makeTempDir('ports-remote');
  let board: SshDevice;
  let connection: SshConnection;

  before(async () => {
    board = await startSshDevice({ name: 'ports', network: 'loopback' });
    const files = writeClientFiles(temp.path, board);
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine()}\n`);
    connection = await connectSsh(await resolveBoard(files));
  });
  after(async () => {
    connection.close();
    await board.stop();
    temp.remove();
  });

  it('lists the by-id links, ttys and ST-Links of a fixture tree the board sees, as a local scan does', async () => {
    // The board shares this machine's filesystem outside /nix and /run, so the tree is visible there.
    const tree = buildPortTree(`${temp.path}/tree with 'quote' $(x)`);
    const remote = await listRemotePorts(connection, { devRoot: tree.devRoot, sysRoot: tree.sysRoot });
    const local = await listPorts({ devRoot: tree.devRoot, sysRoot: tree.sysRoot, list: () => Promise.reject(new Error('spawn udevadm ENOENT')) });
    assert.equal(remote.origin, connection.target);
    assert.equal(remote.fallback, undefined);
    assert.deepEqual(remote.ports, local.ports);
    assert.deepEqual(remote.probes, local.probes);
    assert.deepEqual(remote.ports.map((p) => p.usb?.id), ['0483:374b', '0403:6001']);
    assert.deepEqual(remote.probes.map((p) => p.usb.serialNumber), ['066DFF383032534E43132614', '55FF6B064965545148401887', '55FF6E064965545132451087']);
  });

  it("lists the board's real /dev and /sys by default (no USB serial devices on this board)", async () => {
    const listing = await listRemotePorts(connection);
    assert.deepEqual(listing.ports, []);
    assert.deepEqual(listing.probes, []);
  });
});

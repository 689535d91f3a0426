import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { connectSsh } from '../../../src/core/remote';
import { startSshDevice, type SshDevice } from '../../harness/ssh-device';
import { makeTempDir } from '../../harness/temp-dir';
import { resolveBoard, writeClientFiles, type ClientFiles } from './remote-fixture';

const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

describe('closing a connection to a board that is gone', () => {
  const temp = makeTempDir('remote-close');
  let board: SshDevice;
  let files: ClientFiles;

  before(async () => {
    board = await startSshDevice({ name: 'close', network: 'netns' });
    files = writeClientFiles(temp.path, board);
    writeFileSync(files.userKnownHosts, `${board.knownHostsLine()}\n`);
  });
  after(async () => {
    await board.stop();
    temp.remove();
  });

  it('lets go of the socket although the board never answers the close (no 15 min TCP wait)', async () => {
    const before = sockets();
    const connection = await connectSsh(await resolveBoard(files));
    assert.equal((await connection.execChecked(['echo', 'up'])).stdout, 'up\n');
    assert.equal(sockets(), before + 1);
    board.linkDown();
    try {
      connection.close();
      assert.equal(connection.closed, true);
      const deadline = Date.now() + 5000;
      while (sockets() > before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(sockets(), before, 'the socket of the closed connection is still open');
    } finally {
      board.linkUp();
    }
  });
});

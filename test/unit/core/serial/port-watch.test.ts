import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { reattachPath, waitForLocalPath } from '../../../../src/core/serial';
import { makeTempDir } from '../../../harness/temp-dir';

describe('port watch', () => {
  const dir = makeTempDir('serial-watch');
  after(() => dir.remove());

  it('re-attaches by the /dev/serial/by-id name of the port the user gave', () => {
    const tty = join(dir.path, 'ttyUSB0');
    writeFileSync(tty, '');
    const byId = join(dir.path, 'by-id');
    mkdirSync(byId);
    symlinkSync(join(dir.path, 'ttyUSB1-other'), join(byId, 'usb-Other-if00-port0'));
    symlinkSync('../ttyUSB0', join(byId, 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'));
    assert.equal(reattachPath(tty, byId), join(byId, 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'));
    assert.equal(reattachPath(join(byId, 'usb-Other-if00-port0'), byId), join(byId, 'usb-Other-if00-port0'), 'a by-id path stays');
    assert.equal(reattachPath(join(dir.path, 'ttyACM9'), byId), join(dir.path, 'ttyACM9'), 'no by-id link: the path as given');
    assert.equal(reattachPath(tty, join(dir.path, 'no-such-dir')), tty);
  });

  it('resolves when the path appears (not for a dangling link), and stops on abort', async () => {
    const folder = join(dir.path, 'watched');
    mkdirSync(folder);
    const path = join(folder, 'ttyA');
    symlinkSync(join(folder, 'pts-gone'), path);
    let done = false;
    const waiting = waitForLocalPath(path, new AbortController().signal, 50).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(done, false, 'a dangling link is not the port');
    rmSync(path);
    writeFileSync(path, '');
    await waiting;
    const controller = new AbortController();
    const aborted = waitForLocalPath(join(folder, 'never'), controller.signal, 50);
    controller.abort();
    await assert.rejects(aborted, /Stopped waiting for .*never/);
  });
});

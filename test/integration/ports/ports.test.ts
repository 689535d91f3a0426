import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SerialPort } from 'serialport';
import { listPorts, watchPorts, type PortListing } from '../../../src/core/ports';
import { makeTempDir } from '../../harness/temp-dir';
import { buildPortTree } from './port-tree';

const noUdevadm = (): Promise<never> => Promise.reject(new Error('spawn udevadm ENOENT'));

describe('local ports from sysfs and SerialPort.list()', () => {
  const temp = makeTempDir('ports');
  after(() => temp.remove());
  const tree = buildPortTree(temp.path);

  it('falls back to /dev/serial/by-id and sysfs when SerialPort.list() fails, and says why', async () => {
    const listing = await listPorts({ devRoot: tree.devRoot, sysRoot: tree.sysRoot, list: noUdevadm });
    assert.deepEqual(listing.fallback, { reason: 'spawn udevadm ENOENT' });
    assert.deepEqual(listing.ports.map((p) => [p.path.slice(tree.devRoot.length), p.label, p.roles.join('+')]), [
      ['/ttyACM0', 'ST-Link V2-1', 'console+probe'],
      ['/ttyUSB0', 'FTDI FT232R', 'console'],
    ]);
    const ftdi = listing.ports[1];
    assert.equal(ftdi?.byIdPath, `${tree.devRoot}/serial/by-id/usb-FTDI_FT232R_USB_UART_A10KXYZ9-if00-port0`);
    assert.deepEqual(ftdi?.usb, { id: '0403:6001', busPort: '1-1.2', manufacturer: 'FTDI', product: 'FT232R USB UART', serialNumber: 'A10KXYZ9', busNum: 1, devNum: 5 });
  });

  it('lists ST-Links as probes with their serials, the V2-1 with its VCP, numbered as humility does', async () => {
    const listing = await listPorts({ devRoot: tree.devRoot, sysRoot: tree.sysRoot, list: noUdevadm });
    assert.deepEqual(
      listing.probes.map((p) => [p.usb.busPort, p.usb.id, p.usb.serialNumber, p.label, p.humilityIndex, p.consolePath?.slice(tree.devRoot.length)]),
      [
        ['1-1.3', '0483:374b', '066DFF383032534E43132614', 'ST-Link V2-1', 2, '/ttyACM0'],
        ['1-1.4', '0483:3748', '55FF6B064965545148401887', 'ST-Link V2', 1, undefined],
        ['1-2', '0483:3748', '55FF6E064965545132451087', 'ST-Link V2', 0, undefined],
      ],
    );
  });

  it('takes the ports from SerialPort.list() when it works and adds what sysfs knows', async () => {
    const listed = [
      { path: `${tree.devRoot}/ttyUSB0`, manufacturer: 'FTDI', serialNumber: 'A10KXYZ9', pnpId: 'usb-FTDI_FT232R_USB_UART_A10KXYZ9-if00-port0', vendorId: '0403', productId: '6001' },
      { path: '/dev/ttyS0' },
    ];
    const listing = await listPorts({ devRoot: tree.devRoot, sysRoot: tree.sysRoot, list: () => Promise.resolve(listed) });
    assert.equal(listing.fallback, undefined);
    assert.deepEqual(listing.ports.map((p) => [p.path, p.roles.join('+'), p.usb?.product]), [
      ['/dev/ttyS0', '', undefined],
      [`${tree.devRoot}/ttyUSB0`, 'console', 'FT232R USB UART'],
    ]);
    assert.equal(listing.probes.length, 3);
  });

  it('reports every port the real SerialPort.list() sees on this machine, without fallback', async () => {
    const real = await SerialPort.list();
    const listing = await listPorts();
    assert.equal(listing.fallback, undefined, 'udevadm is installed here (scripts/install-system-deps.sh)');
    assert.deepEqual(listing.ports.map((p) => p.path).sort(), real.map((p) => p.path).sort());
    for (const port of listing.ports) if (port.usb === undefined) assert.deepEqual(port.roles, []);
  });

  it('falls back on the real /dev and /sys too (no USB serial devices here: none listed)', async () => {
    const listing = await listPorts({ list: noUdevadm });
    assert.equal(listing.fallback?.reason, 'spawn udevadm ENOENT');
    assert.deepEqual(listing.ports, []);
    assert.deepEqual(listing.probes, []);
  });
});

describe('watchPorts', () => {
  const temp = makeTempDir('ports-watch');
  after(() => temp.remove());

  it('emits the listing on plug and on unplug, and stops after dispose', async () => {
    const tree = buildPortTree(temp.path);
    const seen: PortListing[] = [];
    let wake: (() => void) | undefined;
    const next = (count: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listing #${String(count)} within 5 s (got ${String(seen.length)})`)), 5_000);
        wake = () => {
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        };
        wake();
      });
    // A long poll: the change must come from fs.watch.
    const watcher = watchPorts(
      (listing) => {
        seen.push(listing);
        wake?.();
      },
      { devRoot: tree.devRoot, sysRoot: tree.sysRoot, list: noUdevadm, debounceMs: 50, pollIntervalMs: 60_000 },
    );
    try {
      await next(1);
      assert.equal(seen[0]?.ports.length, 2);
      tree.plugUart(7, 'CP7');
      await next(2);
      assert.deepEqual(seen[1]?.ports.map((p) => p.path.slice(tree.devRoot.length)), ['/ttyACM0', '/ttyUSB0', '/ttyUSB7']);
      assert.equal(seen[1]?.ports[2]?.usb?.serialNumber, 'CP7');
      tree.unplugUart(7);
      await next(3);
      assert.equal(seen[2]?.ports.length, 2);
    } finally {
      watcher.dispose();
    }
    tree.plugUart(8, 'CP8');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(seen.length, 3, 'nothing is emitted after dispose');
  });

  it('picks up a /dev that appears after it started (watchers re-attached, poll as backstop)', async () => {
    const root = `${temp.path}/late`;
    const seen: PortListing[] = [];
    let wake: (() => void) | undefined;
    const watcher = watchPorts(
      (listing) => {
        seen.push(listing);
        wake?.();
      },
      { devRoot: `${root}/dev`, sysRoot: `${root}/sys`, list: noUdevadm, debounceMs: 20, pollIntervalMs: 200 },
    );
    const until = (count: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listing #${String(count)}`)), 5_000);
        wake = () => {
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        };
        wake();
      });
    try {
      await until(1);
      assert.deepEqual(seen[0]?.ports, []);
      buildPortTree(root);
      await until(2);
      assert.equal(seen[1]?.ports.length, 2);
      assert.equal(seen[1]?.probes.length, 3);
    } finally {
      watcher.dispose();
    }
  });
});

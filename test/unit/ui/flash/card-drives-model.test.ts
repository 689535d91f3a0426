/**
 * The Ports view's removable drives, from the recorded lsblk machines of core/flash's policy tests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardDriveItems } from '../../../../src/ui/flash/card-drives-model';
import { machine } from '../../core/flash/fixtures';

const list = (name: string, swaps: readonly string[] = []) => [...machine(name, swaps).values()];

describe('cardDriveItems', () => {
  it('shows the USB readers of a desktop, not its SATA RAID disks', () => {
    const items = cardDriveItems(list('desktop-raid1-sata-usb-reader'), { allowNonRemovable: false });
    assert.deepEqual(items.map((i) => i.path), ['/dev/sdd', '/dev/sde']);
    assert.ok(items.every((i) => i.contextValue === 'cardDrive' && i.description.includes('USB')));
  });

  it('shows a read-only card with a lock and says why, and cleans a hostile label', () => {
    const items = cardDriveItems(list('laptop-read-only-card-hostile-label'), { allowNonRemovable: false });
    const readOnly = items.find((i) => i.path === '/dev/sdb');
    assert.ok(readOnly, JSON.stringify(items));
    assert.equal(readOnly.icon, 'lock');
    assert.equal(readOnly.contextValue, 'cardDriveReadOnly');
    assert.match(readOnly.tooltip, /read-only/);
    for (const item of items) assert.doesNotMatch(`${item.label}${item.description}${item.tooltip.replaceAll('\n', ' ')}`, /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
    assert.ok(!items.some((i) => i.path === '/dev/sda'), 'the SATA system disk is not shown');
  });

  it('never shows the card a Raspberry Pi runs from, even though it is on the SD slot', () => {
    const items = cardDriveItems(list('raspberry-pi-sd-system-usb-stick'), { allowNonRemovable: false });
    assert.deepEqual(items.map((i) => i.path), ['/dev/sda']);
  });

  it('shows loop devices only when non-removable targets are allowed', () => {
    assert.deepEqual(cardDriveItems(list('vm-with-loop-devices'), { allowNonRemovable: false }), []);
    const items = cardDriveItems(list('vm-with-loop-devices'), { allowNonRemovable: true });
    assert.deepEqual(items.map((i) => i.path), ['/dev/loop0', '/dev/loop1', '/dev/loop2']);
    assert.equal(items.find((i) => i.path === '/dev/loop1')?.icon, 'lock');
    assert.equal(items[0]?.label, 'Loop device');
  });
});

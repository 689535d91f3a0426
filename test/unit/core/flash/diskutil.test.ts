import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assessDrive, parseDiskutil, wholeDiskOf } from '../../../../src/core/flash';
import { FLASH_FIXTURES } from './fixtures';

function macbook(): ReturnType<typeof parseDiskutil> {
  const fixture = JSON.parse(readFileSync(join(FLASH_FIXTURES, 'diskutil', 'macbook-apfs-sd-slot.json'), 'utf-8')) as { list: unknown; infos: Record<string, unknown> };
  return parseDiskutil(fixture.list, new Map(Object.entries(fixture.infos)));
}

describe('macOS diskutil parsing', () => {
  it('credits the APFS volumes to the physical disk under the container and refuses it', () => {
    const ssd = macbook().find((d) => d.name === 'disk0');
    assert.ok(ssd !== undefined);
    assert.deepEqual(ssd.mountpoints, ['/System/Volumes/Data', '/']);
    assert.equal(assessDrive(ssd).problems[0]?.code, 'DRIVE_IS_SYSTEM');
  });

  it('leaves out the synthesized container and offers the SD slot', () => {
    const drives = macbook();
    assert.deepEqual(drives.map((d) => d.name), ['disk0', 'disk4']);
    const sd = drives.find((d) => d.name === 'disk4');
    assert.ok(sd !== undefined);
    assert.equal(sd.transport, 'sd');
    assert.equal(sd.path, '/dev/disk4');
    const a = assessDrive(sd, { imageSize: 3e9 });
    assert.equal(a.allowed, true);
    assert.deepEqual(a.mounted, ['/Volumes/FIRMWARE']);
  });

  it('maps a partition identifier to its whole disk', () => {
    assert.equal(wholeDiskOf('disk12s3'), 'disk12');
  });
});

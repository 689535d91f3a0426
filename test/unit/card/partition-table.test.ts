import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSfdiskJson } from '../../../src/core/card';
import { DevicesError } from '../../../src/core/errors';

/** Recorded: `sfdisk --json sd.img` (util-linux 2.38.1, Debian 12) on an image laid out like NixOS's sd-image. */
const NIXOS_MBR = {
  partitiontable: {
    label: 'dos',
    id: '0xa74b9d40',
    device: 'sd.img',
    unit: 'sectors',
    sectorsize: 512,
    partitions: [
      { node: 'sd.img1', start: 16384, size: 16384, type: 'b' },
      { node: 'sd.img2', start: 32768, size: 49152, type: '83', bootable: true },
    ],
  },
};

/** Shaped like sfdisk's GPT output (util-linux docs): GUID types and partition names; 4 KiB sectors. */
const GPT_4K = {
  partitiontable: {
    label: 'gpt',
    device: '/dev/sdc',
    unit: 'sectors',
    sectorsize: 4096,
    partitions: [
      { node: '/dev/sdc1', start: 256, size: 65536, type: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', name: 'ESP' },
      { node: '/dev/sdc2', start: 65792, size: 1000000, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4', name: '' },
    ],
  },
};

describe('sfdisk --json partition tables', () => {
  it('reads an MBR NixOS image: numbers from the node names, byte offsets from sectors', () => {
    const table = parseSfdiskJson(NIXOS_MBR, 'sd.img');
    assert.equal(table.label, 'dos');
    assert.deepEqual(table.partitions, [
      { number: 1, startBytes: 16384 * 512, sizeBytes: 16384 * 512, type: 'b' },
      { number: 2, startBytes: 32768 * 512, sizeBytes: 49152 * 512, type: '83' },
    ]);
  });

  it('uses the sector size it is given and keeps GPT names (an empty name is none)', () => {
    const [esp, root] = parseSfdiskJson(GPT_4K, '/dev/sdc').partitions;
    assert.deepEqual(esp, { number: 1, startBytes: 256 * 4096, sizeBytes: 65536 * 4096, type: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', name: 'ESP' });
    assert.equal(root?.startBytes, 65792 * 4096);
    assert.equal(root?.name, undefined);
  });

  it('refuses what is not a partition table, naming the device', () => {
    for (const bad of [null, {}, { partitiontable: 'x' }, { partitiontable: { unit: 'bytes', partitions: [] } }, { partitiontable: { partitions: [{ node: 'a1' }] } }]) {
      assert.throws(() => parseSfdiskJson(bad, '/dev/sdz'), (e: unknown) => e instanceof DevicesError && e.code === 'PARSE_FAILED' && e.message.includes('/dev/sdz'));
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkForeignSystem, findCrossVariant, nixSystemOf, parseBinfmtEntry, type FlakeOutputs, type PackageOutput } from '../../../../src/core/nix';

// As written by qemu-user-static / systemd-binfmt (qemu's scripts/qemu-binfmt-conf.sh magics).
const QEMU_ARM = `enabled
interpreter /usr/libexec/qemu-binfmt/arm-binfmt-P
flags: POCF
offset 0
magic 7f454c4601010100000000000000000002002800
mask ffffffffffffff00fffffffffffffffffeffffff
`;
const QEMU_AARCH64 = `enabled
interpreter /usr/bin/qemu-aarch64-static
flags: F
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`;
const X86 = { system: 'x86_64-linux', extraPlatforms: ['i686-linux', 'x86_64-v2-linux'], builders: '@/etc/nix/machines' };

describe('foreign-system detection', () => {
  it('maps node arch and platform to Nix systems', () => {
    assert.equal(nixSystemOf('x64', 'linux'), 'x86_64-linux');
    assert.equal(nixSystemOf('arm64', 'darwin'), 'aarch64-darwin');
    assert.equal(nixSystemOf('arm', 'linux'), 'armv7l-linux');
  });

  it('reads the architecture a binfmt handler runs from its ELF magic', () => {
    assert.deepEqual(parseBinfmtEntry('qemu-arm', QEMU_ARM)?.architectures, ['armv7l', 'armv6l', 'armv5tel']);
    assert.deepEqual(parseBinfmtEntry('qemu-aarch64', QEMU_AARCH64)?.architectures, ['aarch64']);
    assert.equal(parseBinfmtEntry('qemu-aarch64', QEMU_AARCH64)?.interpreter, '/usr/bin/qemu-aarch64-static');
    assert.equal(parseBinfmtEntry('jar', 'enabled\ninterpreter /usr/bin/jexec\nflags: \nextension .jar\n'), undefined);
  });

  it('says native for its own system and i686 on x86_64', () => {
    assert.equal(checkForeignSystem('x86_64-linux', X86, []).verdict, 'native');
    assert.equal(checkForeignSystem('i686-linux', X86, []).verdict, 'native');
  });

  it('says unsupported when the system is not in extra-platforms, even with a binfmt handler', () => {
    const arm = parseBinfmtEntry('qemu-arm', QEMU_ARM);
    assert.ok(arm);
    const check = checkForeignSystem('armv7l-linux', X86, [arm]);
    assert.equal(check.verdict, 'unsupported');
    assert.match(check.message, /cross variant/);
  });

  it('says emulated with a binfmt handler and extra-platforms, no-binfmt without the handler', () => {
    const settings = { ...X86, extraPlatforms: [...X86.extraPlatforms, 'armv7l-linux', 'aarch64-linux'] };
    const arm = parseBinfmtEntry('qemu-arm', QEMU_ARM);
    assert.ok(arm);
    const emulated = checkForeignSystem('armv7l-linux', settings, [arm]);
    assert.equal(emulated.verdict, 'emulated');
    assert.equal(emulated.handler?.name, 'qemu-arm');
    assert.equal(checkForeignSystem('aarch64-linux', settings, [arm]).verdict, 'no-binfmt');
    assert.equal(checkForeignSystem('armv7l-linux', settings, [{ ...arm, enabled: false }]).verdict, 'no-binfmt');
  });
});

function pkg(p: Partial<PackageOutput> & { system: string; name: string }): PackageOutput {
  return { attrPath: `packages.${p.system}.${p.name}`, isCross: false, ...p };
}

describe('findCrossVariant', () => {
  const native = pkg({ system: 'armv7l-linux', name: 'humility', drvName: 'humility-0.11.0', hostSystem: 'armv7l-linux' });
  const cross = pkg({ system: 'x86_64-linux', name: 'humility-armv7l', drvName: 'humility-armv7l-unknown-linux-gnueabihf-0.11.0', hostSystem: 'armv7l-linux', isCross: true });
  const otherCross = pkg({ system: 'x86_64-linux', name: 'probe-rs-armv7l', drvName: 'probe-rs-armv7l-unknown-linux-gnueabihf-0.20', hostSystem: 'armv7l-linux', isCross: true });
  const aarch = pkg({ system: 'x86_64-linux', name: 'humility-aarch64', drvName: 'humility-aarch64-unknown-linux-gnu-0.11.0', hostSystem: 'aarch64-linux', isCross: true });
  const outputs: FlakeOutputs = {
    flakeDir: '/w', sourcePath: '/nix/store/x-source', nixosConfigurations: [], images: [], deployNodes: [], other: [],
    packages: [native, otherCross, aarch, cross],
  };

  it('finds the cross-built package of the same name for the same host system', () => {
    assert.equal(findCrossVariant(outputs, native), cross);
    assert.equal(findCrossVariant(outputs, native, 'x86_64-linux'), cross);
  });

  it('finds none when no cross variant targets that host, or none builds on this machine', () => {
    assert.equal(findCrossVariant({ ...outputs, packages: [native, aarch] }, native), undefined);
    assert.equal(findCrossVariant(outputs, native, 'aarch64-linux'), undefined);
  });
});

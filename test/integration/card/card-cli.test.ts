/**
 * `nixos-devices card …` on a real SD image: the host key recorded under the name core/remote
 * checks (resolved through the real `ssh -G`), the menu printed as u-boot numbers it, the default
 * set by generation, usage errors.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cardCommand } from '../../../src/cli/card';
import type { CliIo } from '../../../src/cli/main';
import { DevicesError } from '../../../src/core/errors';
import { checkHostKey, readKnownHostsFiles } from '../../../src/core/remote';
import { makeTempDir } from '../../harness/temp-dir';
import { buildCardImage, catFromCard, copyImage, ROOT_OFFSET } from './card-fixture';

function fakeIo(cwd: string): CliIo & { out(): string; err(): string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback): void {
        into.push(chunk.toString());
        callback();
      },
    });
  return { stdout: sink(chunks.out), stderr: sink(chunks.err), cwd, env: {}, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}

const signal = new AbortController().signal;

describe('nixos-devices card', () => {
  const temp = makeTempDir('card-cli');
  let pristine: string;
  before(async () => {
    pristine = await buildCardImage(join(temp.path, 'build'));
  });
  after(() => temp.remove());

  it('host-key writes the key and records it for [host]:port as core/remote will check it', async () => {
    const image = copyImage(pristine, join(temp.path, 'hk.img'));
    const knownHosts = join(temp.path, 'known_hosts');
    const io = fakeIo(temp.path);
    assert.equal(await cardCommand(['host-key', image, '--host', '127.0.0.1', '--port', '2222', '--known-hosts', knownHosts], io, signal), 0);
    const fingerprint = /SHA256:\S+/.exec(io.out())?.[0];
    assert.ok(fingerprint !== undefined, io.out());
    assert.match(io.out(), /Wrote a new host key to \/etc\/ssh\/ssh_host_ed25519_key .* partition 2 of /);
    const publicLine = catFromCard(`${image}?offset=${String(ROOT_OFFSET)}`, '/etc/ssh/ssh_host_ed25519_key.pub', temp.path).toString('utf-8');
    const blob = Buffer.from(publicLine.split(' ')[1] ?? '', 'base64');
    const entries = await readKnownHostsFiles([knownHosts]);
    assert.equal(checkHostKey(entries, '[127.0.0.1]:2222', blob).kind, 'known');

    // Again with --replace-key: the stale line is announced on stderr before writing, and replaced.
    const again = fakeIo(temp.path);
    assert.equal(await cardCommand(['host-key', image, '--host', '127.0.0.1', '--port', '2222', '--known-hosts', knownHosts, '--replace-key', '--json'], again, signal), 0);
    assert.match(again.err(), /Replacing the recorded host keys of \[127\.0\.0\.1\]:2222:\n .*line 1: ssh-ed25519 SHA256:/);
    const json = JSON.parse(again.out()) as { replaced: { fingerprintSha256: string }[]; fingerprintSha256: string };
    assert.equal(json.replaced[0]?.fingerprintSha256, fingerprint);
    assert.notEqual(json.fingerprintSha256, fingerprint);
  });

  it('boot-menu prints the menu and --set-default N sets generation N', async () => {
    const image = copyImage(pristine, join(temp.path, 'bm.img'));
    const io = fakeIo(temp.path);
    assert.equal(await cardCommand(['boot-menu', image], io, signal), 0);
    assert.match(io.out(), /^ {2}1:\tNixOS - Default {2}\(default\) {2}\[nixos-default\]$/m);
    assert.match(io.out(), /^ {2}3:\tNixOS - Configuration 3 .*generation 3 {2}\[nixos-3\]\n {7}cannot boot: kernel \/boot\/nixos\/k3-zImage is missing/m);
    const set = fakeIo(temp.path);
    assert.equal(await cardCommand(['boot-menu', image, '--set-default', '4', '--json'], set, signal), 0);
    const result = JSON.parse(set.out()) as { newDefault: string; changed: boolean; menu: { entries: { label: string; isDefault: boolean }[] } };
    assert.equal(result.newDefault, 'nixos-4');
    assert.equal(result.changed, true);
    assert.deepEqual(result.menu.entries.filter((e) => e.isDefault).map((e) => e.label), ['nixos-4']);
  });

  it('usage errors name what is missing', async () => {
    const io = fakeIo(temp.path);
    await assert.rejects(cardCommand([], io, signal), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT' && /card host-key CARD --host/.test(e.message));
    await assert.rejects(cardCommand(['host-key', pristine], io, signal), (e: unknown) => e instanceof DevicesError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(cardCommand(['host-key', pristine, '--host', 'x', '--keep-key', '--replace-key'], io, signal), (e: unknown) => e instanceof DevicesError && /exclude each other/.test(e.message));
    await assert.rejects(cardCommand(['frobnicate'], io, signal), (e: unknown) => e instanceof DevicesError && /unknown tool 'frobnicate'/.test(e.message));
  });
});

/**
 * Pre-seeds a board's SSH host key on a flashed card, so the first deploy needs no
 * trust-on-first-use: an ed25519 key pair is made here (ssh-keygen), written into the card's
 * NIXOS_SD file system at /etc/ssh/ssh_host_ed25519_key (0600) and .pub (0644), both root:root,
 * with debugfs and without mounting, read back, and its public key recorded in the user's
 * known_hosts for the board's names.
 *
 * Why the key survives the first boot:
 * - NixOS's sshd module generates only missing host keys: for each `services.openssh.hostKeys`
 *   entry (default: /etc/ssh/ssh_host_rsa_key and /etc/ssh/ssh_host_ed25519_key) the
 *   sshd-keygen service (older NixOS: sshd's preStart) runs ssh-keygen only
 *   `if ! [ -s "${k.path}" ]`, i.e. when the file is missing or empty (nixpkgs
 *   nixos/modules/services/networking/ssh/sshd.nix). A present, non-empty key is used as is.
 *   NixOS still makes the RSA key on first boot; core/remote and OpenSSH then prefer the key
 *   type on record (ed25519), so the pre-seeded key is the one checked.
 * - The sd-image's first-boot step (nixpkgs nixos/modules/installer/sd-card/sd-image.nix,
 *   `boot.postBootCommands`) grows the partition and the ext4 file system in place
 *   (sfdisk + resize2fs) and registers the store; it does not touch /etc/ssh.
 * - /etc/ssh is not a file NixOS manages (environment.etc links sshd_config, moduli, … as
 *   symlinks into /etc/static next to it; regular files there are left alone).
 * Caveats: a configuration with another hostKeys path, or with `system.etc.overlay.enable`
 * (where /etc is an overlay and the root file system's /etc is not seen) does not read the key
 * from here: pass `keyPath` for the first, the second is not supported.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevicesError } from '../errors';
import { runChecked } from '../exec';
import type { Logger } from '../log';
import { fingerprintSha256, keyTypeOfBlob } from '../remote';
import { claimCard, flushCardBuffers, openCardFilesystem, type CardFilesystem } from './card-filesystem';
import { describeFs, dumpFile, statPaths, writeSession } from './debugfs';
import { isDebugfsSafePath, type DebugfsStat } from './debugfs-output';
import { planKnownHostsUpdate, prepareKnownHosts, readKnownHostsText, type ReplacedKnownHost } from './known-hosts-update';
import { findProgram, installAdvice } from './programs';

export const HOST_KEY_PATH = '/etc/ssh/ssh_host_ed25519_key';
const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;

/** What to do when the card already holds a key at the path. */
export type ExistingHostKey = 'refuse' | 'replace' | 'keep';

export interface SeedHostKeyOptions {
  /** A card's block device (root needed) or an image file. */
  readonly card: string;
  /** known_hosts names of the board (`host`, or `[host]:port` off port 22), as core/remote checks them. */
  readonly names: readonly string[];
  readonly knownHostsFile: string;
  readonly hashKnownHosts?: boolean;
  /** Default 'refuse': a card that already has a key is not changed without being told. */
  readonly existing?: ExistingHostKey;
  /**
   * Told which known_hosts entries for these names will be replaced, before anything is written
   * (card or file); false stops with CANCELLED. Without it, replacing goes ahead (the result lists them).
   */
  readonly confirmReplace?: (replaced: readonly ReplacedKnownHost[]) => Promise<boolean>;
  /** The key's comment; default `root@<first name>`. */
  readonly comment?: string;
  /** Where on the card; default /etc/ssh/ssh_host_ed25519_key (services.openssh.hostKeys' default). */
  readonly keyPath?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

export interface SeedHostKeyResult {
  readonly card: string;
  /** Partition number of NIXOS_SD; undefined when the card is one file system. */
  readonly partition: number | undefined;
  readonly keyPath: string;
  /** `ssh-ed25519 AAAA… comment`, as on the card. */
  readonly publicKeyLine: string;
  readonly keyType: string;
  readonly fingerprintSha256: string;
  /** False when the card's existing key was kept and only recorded. */
  readonly generated: boolean;
  readonly knownHostsFile: string;
  readonly added: readonly string[];
  readonly replaced: readonly ReplacedKnownHost[];
  readonly warnings: readonly string[];
}

function parsePublicLine(line: string, where: string): Buffer {
  const [, base64] = line.trim().split(/\s+/);
  const blob = base64 === undefined ? Buffer.alloc(0) : Buffer.from(base64, 'base64');
  if (blob.length === 0 || keyTypeOfBlob(blob) === 'unknown') throw new DevicesError('PARSE_FAILED', `${where} is not an SSH public key.`);
  return blob;
}

function parent(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** The folders from / down to `dir`, outermost first (`/etc`, `/etc/ssh`). */
function ancestors(dir: string): string[] {
  const parts = dir.split('/').filter((p) => p !== '');
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

export async function seedHostKey(options: SeedHostKeyOptions): Promise<SeedHostKeyResult> {
  const keyPath = options.keyPath ?? HOST_KEY_PATH;
  const pubPath = `${keyPath}.pub`;
  if (!keyPath.startsWith('/') || !isDebugfsSafePath(keyPath)) throw new DevicesError('INVALID_ARGUMENT', `"${keyPath}" is not an absolute path without spaces or quotes.`);
  const run = { ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.signal === undefined ? {} : { signal: options.signal }) };
  const fs = await openCardFilesystem(options.card, run);
  const release = await claimCard(fs);
  const work = await mkdtemp(join(tmpdir(), 'nd-card-key-'));
  try {
    const dirs = ancestors(parent(keyPath));
    const before = await statPaths(fs, [...dirs, keyPath, pubPath], run);
    for (const dir of dirs) {
      const stat = before.get(dir);
      if (stat !== undefined && stat.type !== 'directory') throw new DevicesError('IMAGE_INVALID', `${dir} on ${describeFs(fs)} is a ${stat.type}, not a folder: cannot put a host key under it.`);
    }
    const hasKey = before.get(keyPath) !== undefined;
    const hasPub = before.get(pubPath) !== undefined;
    const existing = options.existing ?? 'refuse';
    let publicLine: string;
    let generated: boolean;
    if ((hasKey || hasPub) && existing === 'refuse') {
      const fp = hasPub ? await existingFingerprint(fs, pubPath, work, run) : 'no public key file';
      throw new DevicesError('INVALID_ARGUMENT', `${describeFs(fs)} already has a host key at ${keyPath} (${fp}). Replace it with a new one (--replace-key) or record the one it has (--keep-key). Nothing was changed.`);
    }
    if ((hasKey || hasPub) && existing === 'keep') {
      if (!hasKey || !hasPub) throw new DevicesError('IMAGE_INVALID', `${describeFs(fs)} has only ${hasKey ? keyPath : pubPath}, not both: replace the key instead (--replace-key).`);
      await dumpFile(fs, pubPath, 'card.pub', { ...run, cwd: work });
      publicLine = (await readFile(join(work, 'card.pub'), 'utf-8')).trim();
      generated = false;
    } else {
      const keygen = await findProgram('ssh-keygen');
      const comment = options.comment ?? `root@${options.names[0] ?? 'nixos'}`;
      await runChecked([keygen, '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(work, 'key')], run).catch((error: unknown) => {
        if (error instanceof DevicesError && error.code === 'SPAWN_FAILED') throw new DevicesError('SPAWN_FAILED', `Could not run ssh-keygen. ${installAdvice('ssh-keygen')}`, { cause: error });
        throw error;
      });
      publicLine = (await readFile(join(work, 'key.pub'), 'utf-8')).trim();
      generated = true;
    }
    const blob = parsePublicLine(publicLine, generated ? 'ssh-keygen output' : `${pubPath} on ${describeFs(fs)}`);

    const plan = planKnownHostsUpdate(await readKnownHostsText(options.knownHostsFile), options.knownHostsFile, options.names, blob, { hashed: options.hashKnownHosts === true });
    if (plan.replaced.length > 0 && options.confirmReplace !== undefined && !(await options.confirmReplace(plan.replaced))) {
      throw new DevicesError('CANCELLED', `Not replacing the recorded host keys of ${options.names.join(', ')}. Nothing was written to the card or to ${options.knownHostsFile}.`);
    }

    // Written aside first: a known_hosts that cannot be written stops us before the card changes.
    const pending = await prepareKnownHosts(plan);
    try {
      if (generated) await writeKeyFiles(fs, keyPath, pubPath, dirs, before, work, run);
      await pending.commit();
    } catch (error) {
      await pending.abort();
      throw error;
    }
    return {
      card: options.card,
      partition: fs.partition?.number,
      keyPath,
      publicKeyLine: publicLine,
      keyType: keyTypeOfBlob(blob),
      fingerprintSha256: fingerprintSha256(blob),
      generated,
      knownHostsFile: options.knownHostsFile,
      added: plan.added,
      replaced: plan.replaced,
      warnings: fs.warnings,
    };
  } finally {
    // The private key must not outlive the write anywhere but on the card.
    await rm(work, { recursive: true, force: true });
    await release();
  }
}

/** One debugfs session: missing folders, the old key files out, the new ones in, root-owned; then read back. */
async function writeKeyFiles(fs: CardFilesystem, keyPath: string, pubPath: string, dirs: readonly string[], before: ReadonlyMap<string, DebugfsStat | undefined>, work: string, run: { logger?: Logger; signal?: AbortSignal }): Promise<void> {
  run.signal?.throwIfAborted();
  const commands = [
    // Only what is missing: debugfs's mkdir of an existing name leaks an inode (see debugfs.ts).
    ...dirs.filter((d) => before.get(d) === undefined).map((d) => `mkdir ${d}`),
    ...(before.get(keyPath) === undefined ? [] : [`rm ${keyPath}`]),
    ...(before.get(pubPath) === undefined ? [] : [`rm ${pubPath}`]),
    `write key ${keyPath}`,
    ...ownership(keyPath, PRIVATE_MODE),
    `write key.pub ${pubPath}`,
    ...ownership(pubPath, PUBLIC_MODE),
  ];
  try {
    await writeSession(fs, commands, 'write the host key', { ...run, cwd: work });
  } finally {
    await flushCardBuffers(fs, run);
  }
  await verifyKeyFiles(fs, keyPath, pubPath, work, run);
}

/**
 * `sif` commands making a file root-owned with `mode`. debugfs's write copies the local file's
 * mode (ssh-keygen's .pub is 0600 under umask 077) and leaves owner 0 (e2fsprogs 1.47
 * misc/create_inode.c): all three are set so the result depends on neither.
 */
function ownership(path: string, mode: number): string[] {
  return [`sif ${path} mode 0100${mode.toString(8).padStart(3, '0')}`, `sif ${path} uid 0`, `sif ${path} gid 0`];
}

async function existingFingerprint(fs: CardFilesystem, pubPath: string, work: string, run: { logger?: Logger; signal?: AbortSignal }): Promise<string> {
  await dumpFile(fs, pubPath, 'existing.pub', { ...run, cwd: work });
  try {
    return fingerprintSha256(parsePublicLine(await readFile(join(work, 'existing.pub'), 'utf-8'), pubPath));
  } catch {
    return 'unreadable public key';
  }
}

/** Reads both files back from the card: same bytes, regular files, root-owned, right modes. */
async function verifyKeyFiles(fs: CardFilesystem, keyPath: string, pubPath: string, work: string, run: { logger?: Logger; signal?: AbortSignal }): Promise<void> {
  const stats = await statPaths(fs, [keyPath, pubPath], run);
  for (const [path, mode, local] of [[keyPath, PRIVATE_MODE, 'key'], [pubPath, PUBLIC_MODE, 'key.pub']] as const) {
    const stat = stats.get(path);
    const wrong =
      stat === undefined ? 'is missing'
      : stat.type !== 'regular' ? `is a ${stat.type}`
      : stat.mode !== mode ? `has mode ${stat.mode.toString(8)}, not ${mode.toString(8)}`
      : stat.uid !== 0 || stat.gid !== 0 ? `is owned by ${String(stat.uid)}:${String(stat.gid)}, not root`
      : undefined;
    if (wrong === undefined) {
      await dumpFile(fs, path, `${local}.readback`, { ...run, cwd: work });
      const [written, read] = await Promise.all([readFile(join(work, local)), readFile(join(work, `${local}.readback`))]);
      if (written.equals(read)) continue;
    }
    throw new DevicesError('VERIFY_FAILED', `After writing, ${path} on ${describeFs(fs)} ${wrong ?? 'does not hold what was written'}. The card may be failing; check it with e2fsck and try again.`);
  }
}

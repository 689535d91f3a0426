/**
 * core/card: tools for a flashed card in the desktop's reader (or an image file), working on its
 * NIXOS_SD ext4 file system with debugfs, never mounting it: pre-seed the board's SSH host key
 * and record it in known_hosts (`seedHostKey`), and show and set the extlinux boot default
 * (`readCardBootMenu`, `setCardBootDefault`). A mounted card is refused. Block devices need root;
 * image files do not.
 */
export { chooseCardEntry, cardPathOf, decodeExtlinux, entryBootFiles, EXTLINUX_CONF_PATH, judgeBootFiles } from './boot-entry-files';
export type { BootFile, BootFileRole, BootFileState } from './boot-entry-files';
export { readCardBootMenu, setCardBootDefault } from './card-boot-menu';
export type { CardBootEntry, CardBootMenu, CardBootOptions, SetCardBootDefaultOptions, SetCardBootDefaultResult } from './card-boot-menu';
export { claimCard, flushCardBuffers, NIXOS_ROOT_LABEL, openCardFilesystem } from './card-filesystem';
export type { CardFilesystem, CardOpenOptions } from './card-filesystem';
export { debugfsErrorLines, isDebugfsSafePath, parseDebugfsStat, splitSessionOutput } from './debugfs-output';
export type { DebugfsStat } from './debugfs-output';
export { parseExt4Superblock } from './ext4-superblock';
export type { Ext4Superblock } from './ext4-superblock';
export { HOST_KEY_PATH, seedHostKey } from './host-key';
export type { ExistingHostKey, SeedHostKeyOptions, SeedHostKeyResult } from './host-key';
export { planKnownHostsUpdate, prepareKnownHosts, readKnownHostsText, writeKnownHosts } from './known-hosts-update';
export type { KnownHostsPlan, KnownHostsPlanOptions, PendingKnownHosts, ReplacedKnownHost } from './known-hosts-update';
export { parseSfdiskJson } from './partition-table';
export type { CardPartition, PartitionTable } from './partition-table';

/**
 * Rescue without a serial adapter: with the card in the desktop's reader, show its extlinux menu
 * (as u-boot numbers it) and set which entry boots by default. NixOS's own extlinux.conf says how:
 * "Change this to e.g. nixos-42 to temporarily boot to an older configuration." The next
 * `nixos-rebuild boot|switch` on the board rewrites the file, so the change is temporary.
 *
 * Safety: the chosen entry's kernel, initrd and FDT must exist (and not be empty) on the card
 * before anything is written, so the card is never left with a default u-boot cannot boot.
 *
 * Writing, atomic enough: one debugfs session writes the new text to a new inode under a
 * temporary name in /boot/extlinux, gives it the old file's owner and mode, removes the old name,
 * links extlinux.conf to the new inode and drops the temporary name. The old file stays whole
 * until that session ends; the name switch is in one directory block, which libext2fs writes once
 * when it closes the file system, as rename(2) would. Only a card pulled during those
 * milliseconds can be caught between the two (e2fsck repairs it). The file is then read back and
 * compared byte for byte.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootMenuItems, defaultEntry, parseExtlinux, printExtlinux, setDefaultEntry, type ExtlinuxMenu } from '../boot';
import { DevicesError } from '../errors';
import type { Logger } from '../log';
import { chooseCardEntry, decodeExtlinux, entryBootFiles, EXTLINUX_CONF_PATH, judgeBootFiles, type BootFile, type BootFileState } from './boot-entry-files';
import { claimCard, flushCardBuffers, openCardFilesystem, type CardFilesystem } from './card-filesystem';
import { describeFs, dumpFile, statPaths, writeSession } from './debugfs';
import { isDebugfsSafePath, type DebugfsStat } from './debugfs-output';

const TEMP_NAME = '.extlinux.conf.nixos-devices-new';

export interface CardBootEntry {
  /** What to type at u-boot's `Enter choice:`. */
  readonly number: number;
  /** The text u-boot shows. */
  readonly text: string;
  readonly label: string;
  readonly isDefault: boolean;
  /** From the label (nixos-41, nixos-41-default); undefined for nixos-default and others. */
  readonly generation?: number;
  readonly specialisation?: string;
  readonly files: readonly BootFile[];
  /** Why u-boot could not boot it (missing kernel, …); empty when it can. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

export interface CardBootMenu {
  readonly card: string;
  readonly partition: number | undefined;
  readonly path: string;
  readonly text: string;
  readonly menu: ExtlinuxMenu;
  readonly entries: readonly CardBootEntry[];
  readonly defaultLabel: string | undefined;
  /** The file system's and the parser's notes (a duplicated field, an unlabelled partition). */
  readonly warnings: readonly string[];
}

export interface CardBootOptions {
  readonly card: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

export interface SetCardBootDefaultOptions extends CardBootOptions {
  /** A generation number ("41"), "default", or an exact label. */
  readonly entry: string;
}

export interface SetCardBootDefaultResult {
  readonly card: string;
  readonly previousDefault: string | undefined;
  readonly newDefault: string;
  /** False when the entry already was the default (nothing written). */
  readonly changed: boolean;
  /** The menu as read back from the card after writing. */
  readonly menu: CardBootMenu;
}

type RunOptions = { logger?: Logger; signal?: AbortSignal };

function runOptions(options: CardBootOptions): RunOptions {
  return { ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.signal === undefined ? {} : { signal: options.signal }) };
}

async function readMenu(fs: CardFilesystem, work: string, run: RunOptions): Promise<CardBootMenu> {
  const where = `${EXTLINUX_CONF_PATH} on ${describeFs(fs)}`;
  if ((await dumpFile(fs, EXTLINUX_CONF_PATH, 'extlinux.conf', { ...run, cwd: work })) === 'missing') {
    throw new DevicesError('NOT_FOUND', `${describeFs(fs)} has no ${EXTLINUX_CONF_PATH}: it does not boot through u-boot's extlinux menu (or it is not a NixOS SD card).`);
  }
  const { text, menu } = decodeExtlinux(await readFile(join(work, 'extlinux.conf')), where);
  const items = bootMenuItems(menu);
  const filesByEntry = items.map((item) => entryBootFiles(item.entry));
  const paths = [...new Set(filesByEntry.flat().map((f) => f.path).filter(isDebugfsSafePath))];
  const stats = paths.length === 0 ? new Map<string, DebugfsStat | undefined>() : await statPaths(fs, paths, run);
  const states = new Map<string, BootFileState | undefined>([...stats].map(([path, stat]) => [path, stat === undefined ? undefined : { type: stat.type, size: stat.size }]));
  const entries = items.map((item, index): CardBootEntry => {
    const files = filesByEntry[index] ?? [];
    const judged = judgeBootFiles(item.entry, files, states);
    const tag = item.entry.tag;
    return {
      number: item.number,
      text: item.text,
      label: item.entry.label,
      isDefault: item.isDefault,
      ...(tag.kind === 'generation' ? { generation: tag.generation, ...(tag.specialisation === undefined ? {} : { specialisation: tag.specialisation }) } : {}),
      files,
      problems: judged.problems,
      warnings: judged.warnings,
    };
  });
  const warnings = [...fs.warnings, ...menu.problems.map((p) => `${EXTLINUX_CONF_PATH} line ${String(p.line)}: ${p.message}`)];
  if (defaultEntry(menu) === undefined) warnings.push(menu.header.defaultLabel === undefined ? `${EXTLINUX_CONF_PATH} has no DEFAULT line.` : `DEFAULT names "${menu.header.defaultLabel}", which is not in the menu.`);
  return { card: fs.card, partition: fs.partition?.number, path: EXTLINUX_CONF_PATH, text, menu, entries, defaultLabel: menu.header.defaultLabel, warnings };
}

async function withCard<T>(options: CardBootOptions, claim: boolean, body: (fs: CardFilesystem, work: string, run: RunOptions) => Promise<T>): Promise<T> {
  const run = runOptions(options);
  const fs = await openCardFilesystem(options.card, run);
  const release = claim ? await claimCard(fs) : async () => undefined;
  const work = await mkdtemp(join(tmpdir(), 'nd-card-boot-'));
  try {
    return await body(fs, work, run);
  } finally {
    await rm(work, { recursive: true, force: true });
    await release();
  }
}

/** The card's boot menu with, for each entry, whether its files are on the card. */
export function readCardBootMenu(options: CardBootOptions): Promise<CardBootMenu> {
  return withCard(options, false, (fs, work, run) => readMenu(fs, work, run));
}

/** Makes the chosen entry u-boot's DEFAULT on the card, after checking it can boot. */
export function setCardBootDefault(options: SetCardBootDefaultOptions): Promise<SetCardBootDefaultResult> {
  return withCard(options, true, async (fs, work, run) => {
    const before = await readMenu(fs, work, run);
    const item = chooseCardEntry(before.menu, options.entry);
    const chosen = before.entries[item.number - 1];
    if (chosen === undefined || chosen.label !== item.entry.label) throw new DevicesError('INTERNAL', `Boot menu entry ${String(item.number)} is out of step with the menu.`);
    if (chosen.problems.length > 0) {
      throw new DevicesError('NOT_FOUND', `Not making "${chosen.text}" (${chosen.label}) the default: ${chosen.problems.join(' ')} u-boot could not boot it. The card was not changed.`);
    }
    const previousDefault = before.defaultLabel;
    if (previousDefault === chosen.label && defaultEntry(before.menu)?.label === chosen.label) {
      return { card: fs.card, previousDefault, newDefault: chosen.label, changed: false, menu: before };
    }
    const newText = printExtlinux(setDefaultEntry(before.menu, chosen.label));
    // The printer keeps every other byte; make sure the result says what we mean before writing it.
    const check = parseExtlinux(newText);
    if (defaultEntry(check)?.label !== chosen.label || check.entries.length !== before.menu.entries.length) {
      throw new DevicesError('INTERNAL', `The rewritten extlinux.conf would not boot ${chosen.label} by default; the card was not changed.`, { detail: newText });
    }
    await writeFile(join(work, 'new.conf'), newText, 'utf-8');
    const dir = EXTLINUX_CONF_PATH.slice(0, EXTLINUX_CONF_PATH.lastIndexOf('/'));
    const temp = `${dir}/${TEMP_NAME}`;
    const stats = await statPaths(fs, [EXTLINUX_CONF_PATH, temp], run);
    const old = stats.get(EXTLINUX_CONF_PATH);
    if (old === undefined) throw new DevicesError('NOT_FOUND', `${EXTLINUX_CONF_PATH} disappeared from ${describeFs(fs)} while it was being changed.`);
    run.signal?.throwIfAborted();
    const commands = [
      ...(stats.get(temp) === undefined ? [] : [`rm ${temp}`]),
      `write new.conf ${temp}`,
      `sif ${temp} mode 0100${old.mode.toString(8).padStart(3, '0')}`,
      `sif ${temp} uid ${String(old.uid)}`,
      `sif ${temp} gid ${String(old.gid)}`,
      `rm ${EXTLINUX_CONF_PATH}`,
      `ln ${temp} ${EXTLINUX_CONF_PATH}`,
      `unlink ${temp}`,
    ];
    try {
      await writeSession(fs, commands, `replace ${EXTLINUX_CONF_PATH}`, { ...run, cwd: work });
    } finally {
      await flushCardBuffers(fs, run);
    }
    const after = await readMenu(fs, work, run);
    if (after.text !== newText) {
      throw new DevicesError('VERIFY_FAILED', `After writing, ${EXTLINUX_CONF_PATH} on ${describeFs(fs)} does not hold what was written. Check the card with e2fsck, then try again.`);
    }
    const leftover = (await statPaths(fs, [temp], run)).get(temp);
    if (leftover !== undefined) throw new DevicesError('VERIFY_FAILED', `${temp} is still on ${describeFs(fs)} after the switch; check the card with e2fsck.`);
    return { card: fs.card, previousDefault, newDefault: chosen.label, changed: true, menu: after };
  });
}

/**
 * The simulated board (scripts/sim-board/board.sh) as the journey test uses it: a workspace copy
 * of examples/ pointed at this board's state folder and address, the board's real state read
 * from outside VS Code (SSH through the ssh_config it writes, the card file with debugfs,
 * console.log), and screenshots numbered by step.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO, sshBoard, type BoardInfo } from '../../integration/sim-board/sim-board-fixture';

export const EXAMPLES = join(REPO, 'examples');
/** The address and state folder examples/ names (the start command's board, index 0). */
const EXAMPLE_STATE = '/tmp/nixos-devices-board';
const EXAMPLE_HOST = '10.78.0.2';

/** Copies examples/ to `dir` with every board path and address rewritten to this board's. */
export function copyExampleWorkspace(dir: string, state: string, index: number): string {
  cpSync(EXAMPLES, dir, { recursive: true });
  for (const file of [join(dir, '.vscode', 'settings.json'), join(dir, 'flake.nix')]) {
    const text = readFileSync(file, 'utf-8');
    const rewritten = text.replaceAll(EXAMPLE_STATE, state).replaceAll(EXAMPLE_HOST, `10.78.${String(index)}.2`);
    if (rewritten.includes(EXAMPLE_STATE) || rewritten.includes(EXAMPLE_HOST)) throw new Error(`${file} still names the example board`);
    writeFileSync(file, rewritten);
  }
  return dir;
}

/** Changes the example system's generation number in the workspace's flake.nix: a new system. */
export function setExampleGeneration(dir: string, generation: string): void {
  const file = join(dir, 'flake.nix');
  const text = readFileSync(file, 'utf-8');
  const next = text.replace(/generation = "\d+";/, `generation = "${generation}";`);
  if (next === text) throw new Error(`${file} has no generation = "N"; to change`);
  writeFileSync(file, next);
}

/** One extlinux.conf entry: its label, menu label, kernel and the system its init= names. */
export interface ExtlinuxEntry {
  readonly label: string;
  readonly menuLabel: string;
  readonly kernel: string;
  readonly system: string;
}

/** The DEFAULT label and entries of an extlinux.conf (as NixOS's builder writes it). */
export function parseExtlinuxEntries(conf: string): { readonly defaultLabel: string; readonly entries: ExtlinuxEntry[] } {
  const defaultLabel = /^DEFAULT\s+(\S+)/m.exec(conf)?.[1] ?? '';
  const entries: ExtlinuxEntry[] = [];
  for (const block of conf.split(/^LABEL\s+/m).slice(1)) {
    const label = block.split(/\s/)[0] ?? '';
    entries.push({
      label,
      menuLabel: /^\s*MENU LABEL\s+(.*)$/m.exec(block)?.[1]?.trim() ?? '',
      kernel: /^\s*LINUX\s+(\S+)/m.exec(block)?.[1] ?? '',
      system: /init=(\/nix\/store\/[^/\s]+)\/init/.exec(block)?.[1] ?? '',
    });
  }
  return { defaultLabel, entries };
}

/** The board's view of itself over SSH: profile links, booted system, extlinux.conf. */
export interface BoardSystemState {
  readonly profile: string;
  readonly profileTarget: string;
  readonly generations: Readonly<Record<string, string>>;
  readonly bootedSystem: string;
  readonly extlinux: string;
}

export function readBoardSystem(info: BoardInfo): BoardSystemState {
  const out = sshBoard(
    info,
    'cd /nix/var/nix/profiles && echo "profile $(readlink system)" && for l in system-*-link; do echo "link $l $(readlink "$l")"; done && echo "booted $(readlink /run/booted-system)" && echo ==== && cat /boot/extlinux/extlinux.conf',
  );
  const [head = '', extlinux = ''] = out.split('====\n');
  const generations: Record<string, string> = {};
  let profile = '';
  let bootedSystem = '';
  for (const line of head.split('\n')) {
    const [kind, a = '', b = ''] = line.split(' ');
    if (kind === 'profile') profile = a;
    if (kind === 'link') generations[a] = b;
    if (kind === 'booted') bootedSystem = a;
  }
  return { profile, profileTarget: generations[profile] ?? '', generations, bootedSystem, extlinux };
}

/** Saves test-results/e2e/journey/NN-step.png; returns its path. */
export function screenshotter(dir: string): (page: Page, name: string) => Promise<string> {
  return async (page, name) => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.png`);
    // The mouse away from anything with a hover, so no tooltip covers the picture.
    await page.mouse.move(1270, 790);
    await page.screenshot({ path });
    return path;
  };
}

export function requireFile(path: string, why: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${why}`);
}

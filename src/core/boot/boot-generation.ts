/**
 * "Boot generation N" on a device. When the device answers over SSH, N is made what boots next
 * (core/deploy's setBootGeneration: profile and menu agree) and the device rebooted over SSH.
 * When it does not (a change broke its network), the seed's rescue: the user is asked to
 * power-cycle the board now, and the console helper halts u-boot's menu and chooses N by its
 * label. Before anyone gets up, the menu last read from the device (extlinux.conf over SSH, else
 * the console's last menu) says whether N is there at all.
 */
import { DevicesError, toDevicesError } from '../errors';
import { Job } from '../jobs';
import { findBootMenuItem, menuCountdown } from './boot-menu';
import type { UBootConsoleHelper } from './console-helper';
import type { ExtlinuxMenu } from './extlinux-model';
import { powerCycleAndChoose, type PowerCycle } from './power-cycle-choice';
import type { ConsoleMenu, ConsoleMenuEntry } from './uboot-console';
import { describeQuery, matchConsoleMenuEntry } from './uboot-menu-choice';

/** What the UI (or a test) does for the job; each is bounded in time by its implementation. */
export interface BootGenerationOperations {
  /** Whether the device answers over SSH now (a fresh connection and `true`, a few seconds). */
  isReachable(signal: AbortSignal): Promise<boolean>;
  /** Over SSH: make generation N what boots next (setBootGeneration in core/deploy). */
  setNextBoot(generation: number, signal: AbortSignal): Promise<void>;
  /** Over SSH: reboot; resolves once the command was sent (the link dropping is expected). */
  reboot(signal: AbortSignal): Promise<void>;
  /** The rescue's "Power-cycle the board now". */
  powerCycle: PowerCycle;
}

export interface BootGenerationRequest {
  /** The device's name in messages. */
  readonly device: string;
  readonly generation: number;
  readonly specialisation?: string;
  readonly operations: BootGenerationOperations;
  /** The helper on the device's open console; without it there is no rescue. */
  readonly console?: UBootConsoleHelper;
  /** The menu last read over SSH (DeviceGenerations.bootMenu.menu); preferred to the console's. */
  readonly extlinuxMenu?: ExtlinuxMenu;
  /** From the power-cycle request until u-boot starts the entry. */
  readonly rescueTimeoutMs?: number;
}

export type BootGenerationPhase = 'checking-device' | 'setting-next-boot' | 'rebooting' | 'checking-menu' | 'waiting-for-power-cycle' | 'choosing-entry';

/** Where the known menu came from, and whether it lists the generation. */
export type MenuKnowledge =
  | { readonly source: 'extlinux' | 'console'; readonly listed: boolean; readonly generations: readonly number[] }
  | { readonly source: 'none' };

export type BootGenerationResult =
  | { readonly via: 'ssh'; readonly generation: number }
  | { readonly via: 'console'; readonly generation: number; readonly entry: ConsoleMenuEntry; readonly menu: ConsoleMenu; readonly knowledge: MenuKnowledge };

/** A generation's entry (and specialisation), as both menus name it. */
type GenerationQuery = { readonly generation: number; readonly specialisation?: string };

/** A person needs time to reach the board's power; u-boot then needs a few seconds. */
export const DEFAULT_RESCUE_TIMEOUT_MS = 180_000;

/** What the menu last read says about the query, without touching the board. */
export function menuKnowledge(query: GenerationQuery, extlinux: ExtlinuxMenu | undefined, consoleMenu: ConsoleMenu | undefined): MenuKnowledge {
  if (extlinux !== undefined) {
    const generations = extlinux.entries.flatMap((e) => (e.tag.kind === 'generation' && e.tag.specialisation === undefined ? [e.tag.generation] : []));
    const item = findBootMenuItem(extlinux, query.specialisation === undefined ? { generation: query.generation } : { generation: query.generation, specialisation: query.specialisation });
    return { source: 'extlinux', listed: item !== undefined, generations };
  }
  if (consoleMenu !== undefined) {
    const generations = consoleMenu.entries.flatMap((e) => (e.nixos?.generation !== undefined && e.nixos.specialisation === undefined ? [e.nixos.generation] : []));
    return { source: 'console', listed: matchConsoleMenuEntry(consoleMenu, query) !== undefined, generations };
  }
  return { source: 'none' };
}

async function answers(operations: BootGenerationOperations, signal: AbortSignal): Promise<boolean> {
  try {
    return await operations.isReachable(signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return false;
  }
}

export function startBootGeneration(request: BootGenerationRequest): Job<BootGenerationResult> {
  const query: GenerationQuery =
    request.specialisation === undefined ? { generation: request.generation } : { generation: request.generation, specialisation: request.specialisation };
  return Job.start(`Boot ${describeQuery(query)} on ${request.device}`, async (context) => {
    const phase = (p: BootGenerationPhase): void => context.phase(p);
    const { operations, device } = request;
    phase('checking-device');
    if (await answers(operations, context.signal)) {
      phase('setting-next-boot');
      await operations.setNextBoot(request.generation, context.signal);
      phase('rebooting');
      await operations.reboot(context.signal);
      context.log(`${device} reboots into generation ${String(request.generation)}, now its boot default.`);
      return { via: 'ssh', generation: request.generation };
    }

    const helper = request.console;
    if (helper === undefined) {
      throw new DevicesError('DEVICE_UNREACHABLE', `${device} does not answer over SSH and no serial console is open for it. Open its serial console, then run Boot Generation again to choose ${describeQuery(query)} from the u-boot menu.`);
    }
    phase('checking-menu');
    if (request.extlinuxMenu !== undefined && menuCountdown(request.extlinuxMenu).kind === 'no-menu') {
      throw new DevicesError('UNSUPPORTED', `${device}'s extlinux.conf has no MENU line (boot.loader.timeout = 0), so u-boot boots its default without showing a menu to choose from.`);
    }
    const knowledge = menuKnowledge(query, request.extlinuxMenu, helper.lastMenu);
    if (knowledge.source === 'none') {
      context.log(`No boot menu of ${device} was read yet; whether it lists ${describeQuery(query)} shows when the menu comes.`, 'warn');
    } else if (!knowledge.listed) {
      const from = knowledge.source === 'extlinux' ? 'extlinux.conf as last read over SSH' : 'the boot menu last seen on its console';
      throw new DevicesError('NOT_FOUND', `${device}'s boot menu (${from}) has no ${describeQuery(query)}; it lists generations ${knowledge.generations.join(', ') || 'none'}. Nothing was asked of the board.`);
    }

    phase('waiting-for-power-cycle');
    const chosen = await powerCycleAndChoose({
      console: helper,
      query,
      powerCycle: operations.powerCycle,
      request: {
        device,
        message: `Power-cycle ${device} now (unplug its power, plug it back in). Its console is watched: at the boot menu ${describeQuery(query)} is chosen.`,
      },
      timeoutMs: request.rescueTimeoutMs ?? DEFAULT_RESCUE_TIMEOUT_MS,
      signal: context.signal,
      onMenu: () => phase('choosing-entry'),
    }).catch((error: unknown) => {
      const devicesError = toDevicesError(error);
      if (devicesError.code !== 'TIMEOUT') throw devicesError;
      throw new DevicesError('TIMEOUT', `${devicesError.message} Was ${device} power-cycled, and is this its console?`, { cause: error });
    });
    context.log(`u-boot on ${device} starts entry ${String(chosen.entry.number)}: ${chosen.entry.text}.`);
    return { via: 'console', generation: request.generation, entry: chosen.entry, menu: chosen.menu, knowledge };
  });
}

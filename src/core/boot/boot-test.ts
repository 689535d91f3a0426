/**
 * The Boot test, for changes that only take effect at reboot (a kernel switch, like the seed's
 * mainline → linux_rpi2): activate the new system with `boot` (the menu's default changes, nothing
 * is switched), reboot, and watch. When the board does not confirm the new system in time, or
 * u-boot shows it could not start the new kernel, the board is power-cycled, the PREVIOUS entry
 * chosen at the menu, and — once the board answers over SSH again — extlinux.conf's DEFAULT set
 * back to the previous generation, so the board is never left defaulting to a broken generation.
 * After a fallback the job fails with DEPLOY_ROLLED_BACK: it never reports success.
 */
import { DevicesError, toDevicesError } from '../errors';
import { Job, type JobContext } from '../jobs';
import { findBootMenuItem, menuCountdown, setDefaultEntry } from './boot-menu';
import type { UBootConsoleHelper } from './console-helper';
import { parseExtlinux } from './extlinux-parse';
import { printExtlinux } from './extlinux-print';
import { powerCycleAndChoose, type PowerCycle } from './power-cycle-choice';
import type { UBootConsoleEvent } from './uboot-console';

export interface BootTestOperations {
  /** Activates the new system with `boot` (default entry changes, nothing switched); its generation. */
  activate(signal: AbortSignal): Promise<{ readonly generation: number }>;
  /** Over SSH: reboot; resolves once the command was sent. */
  reboot(signal: AbortSignal): Promise<void>;
  /** Polled: true once the board answers over SSH and /run/booted-system is the new system. */
  confirm?(signal: AbortSignal): Promise<boolean>;
  /** Power-cycles or resets the board (a relay), or tells the user to, as in the rescue. */
  powerCycle: PowerCycle;
  /** Polled after the fallback: whether the board answers over SSH again. */
  isReachable(signal: AbortSignal): Promise<boolean>;
  /** The board's extlinux.conf (over SFTP), read and replaced (tmp + rename, as NixOS writes it). */
  readExtlinux(signal: AbortSignal): Promise<string>;
  writeExtlinux(text: string, signal: AbortSignal): Promise<void>;
}

export interface BootTestRequest {
  readonly device: string;
  /** The generation the board runs now, chosen at the menu when the new one fails. */
  readonly previousGeneration: number;
  readonly operations: BootTestOperations;
  /** The helper on the board's console: the boot test watches it. */
  readonly console: UBootConsoleHelper;
  /** Console text that confirms the new system (e.g. its login prompt), besides `confirm`. */
  readonly consoleMarker?: RegExp;
  /** From the reboot until the new system must confirm. */
  readonly confirmTimeoutMs?: number;
  /** From the power-cycle request until u-boot starts the previous entry. */
  readonly rescueTimeoutMs?: number;
  /** From the previous entry's start until the board must answer over SSH for the restore. */
  readonly reachableTimeoutMs?: number;
}

export type BootTestPhase =
  | 'checking-menu'
  | 'activating'
  | 'rebooting'
  | 'waiting-for-confirmation'
  | 'power-cycling'
  | 'choosing-previous'
  | 'waiting-for-board'
  | 'restoring-default';

export interface BootTestResult {
  readonly generation: number;
  readonly confirmedBy: 'ssh' | 'console';
}

/** Why the new generation was not confirmed. */
export type BootTestFailure =
  | { readonly kind: 'timeout' }
  /** u-boot moved on to the next entry or to its prompt: it could not start the new kernel. */
  | { readonly kind: 'kernel-not-started'; readonly detail: string };

export const BOOT_TEST_CONFIRM_TIMEOUT_MS = 180_000;
export const BOOT_TEST_REACHABLE_TIMEOUT_MS = 300_000;
export const BOOT_TEST_RESCUE_TIMEOUT_MS = 180_000;
/** Between two SSH attempts at a booting board (each attempt is bounded by the operation itself). */
const POLL_DELAY_MS = 2_000;

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DevicesError('CANCELLED', 'Cancelled.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `probe` until true (resolves true) or `timeoutMs` passes (false); a throw counts as false. */
async function pollUntil(probe: (signal: AbortSignal) => Promise<boolean>, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const ok = await probe(signal).catch(() => false);
    if (ok) return true;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await delay(Math.min(POLL_DELAY_MS, left), signal);
  }
  return false;
}

/**
 * Waits for the new system's confirmation: `confirm` polled, the console marker, or — a failure
 * seen early — u-boot falling back to another entry or stopping at its prompt after the reboot.
 */
async function waitForConfirmation(request: BootTestRequest, timeoutMs: number, signal: AbortSignal): Promise<BootTestResult['confirmedBy'] | BootTestFailure> {
  const local = new AbortController();
  const within = AbortSignal.any([signal, local.signal]);
  const waits: Promise<BootTestResult['confirmedBy'] | BootTestFailure>[] = [];
  const confirm = request.operations.confirm?.bind(request.operations);
  waits.push(
    confirm === undefined
      ? delay(timeoutMs, within).then(() => ({ kind: 'timeout' }) as const)
      : pollUntil(confirm, timeoutMs, within).then((ok) => (ok ? 'ssh' : ({ kind: 'timeout' } as const))),
  );
  if (request.consoleMarker !== undefined) {
    waits.push(request.console.waitForText(request.consoleMarker, within).then(() => 'console' as const));
  }
  waits.push(
    new Promise<BootTestFailure>((resolve) => {
      const subscription = request.console.detector.onEvent((event: UBootConsoleEvent) => {
        const failed =
          event.kind === 'booting-entry' && event.reason === 'fallback'
            ? `u-boot could not start the default entry's kernel and went on to entry ${String(event.entry.number)} (${event.entry.text})`
            : event.kind === 'prompt'
              ? 'u-boot could not start any entry and stopped at its => prompt'
              : undefined;
        if (failed !== undefined) {
          subscription.dispose();
          resolve({ kind: 'kernel-not-started', detail: failed });
        }
      });
      within.addEventListener('abort', () => subscription.dispose(), { once: true });
    }),
  );
  try {
    // Losers are aborted below; their rejections must not go unhandled.
    for (const wait of waits) wait.catch(() => undefined);
    return await Promise.race(waits);
  } finally {
    local.abort();
  }
}

export function startBootTest(request: BootTestRequest): Job<BootTestResult> {
  return Job.start(`Boot test on ${request.device}`, (context) => runBootTest(request, context));
}

async function runBootTest(request: BootTestRequest, context: JobContext): Promise<BootTestResult> {
  const { operations, device, previousGeneration } = request;
  const signal = context.signal;
  const phase = (p: BootTestPhase): void => context.phase(p);
  const confirmTimeoutMs = request.confirmTimeoutMs ?? BOOT_TEST_CONFIRM_TIMEOUT_MS;

  // Before anything changes: the fallback needs a menu that lists the previous generation.
  phase('checking-menu');
  const before = parseExtlinux(await operations.readExtlinux(signal));
  if (menuCountdown(before).kind === 'no-menu') {
    throw new DevicesError('UNSUPPORTED', `${device}'s extlinux.conf has no MENU line (boot.loader.timeout = 0): u-boot shows no menu, so a failed boot test could not choose the previous generation. Set boot.loader.timeout above 0 first. Nothing was changed.`);
  }
  if (findBootMenuItem(before, { generation: previousGeneration }) === undefined) {
    throw new DevicesError('NOT_FOUND', `${device}'s boot menu has no entry for generation ${String(previousGeneration)}, the one to fall back to. Nothing was changed.`);
  }

  phase('activating');
  const { generation } = await operations.activate(signal);
  context.log(`Generation ${String(generation)} is ${device}'s boot default; nothing was switched.`);

  // The menu must time out to the new default, as an unattended reboot does: no pick, no halt.
  const aside = request.console.standAside();
  let verdict: BootTestResult['confirmedBy'] | BootTestFailure;
  try {
    phase('rebooting');
    const watching = waitForConfirmation(request, confirmTimeoutMs, signal);
    watching.catch(() => undefined);
    await operations.reboot(signal);
    phase('waiting-for-confirmation');
    verdict = await watching;
  } finally {
    aside.dispose();
  }
  if (typeof verdict === 'string') {
    context.log(`${device} booted generation ${String(generation)} (confirmed over ${verdict === 'ssh' ? 'SSH' : 'its console'}).`);
    return { generation, confirmedBy: verdict };
  }
  const why = verdict.kind === 'timeout' ? `it did not confirm generation ${String(generation)} within ${String(Math.round(confirmTimeoutMs / 1000))} s` : verdict.detail;
  context.log(`Boot test of generation ${String(generation)} failed on ${device}: ${why}. Falling back to generation ${String(previousGeneration)}.`, 'warn');

  phase('power-cycling');
  const chosen = await powerCycleAndChoose({
    console: request.console,
    query: { generation: previousGeneration },
    powerCycle: operations.powerCycle,
    request: {
      device,
      message: `Generation ${String(generation)} did not come up on ${device} (${why}). Power-cycle ${device} now: at the boot menu generation ${String(previousGeneration)} is chosen.`,
    },
    timeoutMs: request.rescueTimeoutMs ?? BOOT_TEST_RESCUE_TIMEOUT_MS,
    signal,
    onMenu: () => phase('choosing-previous'),
  }).catch((error: unknown) => {
    const cause = toDevicesError(error);
    if (cause.code === 'CANCELLED') throw cause;
    throw new DevicesError('DEPLOY_FAILED', `Boot test on ${device}: ${why}, and generation ${String(previousGeneration)} could not be chosen at the boot menu: ${cause.message} ${device} still defaults to the failing generation ${String(generation)}; choose generation ${String(previousGeneration)} at its console.`, { cause });
  });
  context.log(`u-boot on ${device} starts entry ${String(chosen.entry.number)}: ${chosen.entry.text}.`);

  phase('waiting-for-board');
  const reachableTimeoutMs = request.reachableTimeoutMs ?? BOOT_TEST_REACHABLE_TIMEOUT_MS;
  const back = await pollUntil((s) => operations.isReachable(s), reachableTimeoutMs, signal);
  const head = `Boot test on ${device}: ${why}. It was power-cycled and generation ${String(previousGeneration)} chosen at the boot menu`;
  if (!back) {
    throw new DevicesError('DEPLOY_ROLLED_BACK', `${head}, but it did not answer over SSH within ${String(Math.round(reachableTimeoutMs / 1000))} s, so its extlinux.conf still defaults to generation ${String(generation)}. When it is back, make generation ${String(previousGeneration)} the boot default (Set Boot Default).`);
  }

  phase('restoring-default');
  const restored = await restorePreviousDefault(operations, previousGeneration, signal).catch((error: unknown) => {
    throw new DevicesError('DEPLOY_ROLLED_BACK', `${head}, but restoring the boot default failed: ${toDevicesError(error).message} Its extlinux.conf may still default to generation ${String(generation)}; make generation ${String(previousGeneration)} the boot default (Set Boot Default).`, { cause: error });
  });
  throw new DevicesError('DEPLOY_ROLLED_BACK', `${head}; extlinux.conf defaults to it again (DEFAULT ${restored}). The system profile still points at generation ${String(generation)}: roll it back or deploy a fix.`);
}

/** Sets DEFAULT to the previous generation's entry in the board's current extlinux.conf. */
async function restorePreviousDefault(operations: BootTestOperations, previousGeneration: number, signal: AbortSignal): Promise<string> {
  const menu = parseExtlinux(await operations.readExtlinux(signal));
  const item = findBootMenuItem(menu, { generation: previousGeneration });
  if (item === undefined) throw new DevicesError('NOT_FOUND', `extlinux.conf has no entry for generation ${String(previousGeneration)} any more.`);
  await operations.writeExtlinux(printExtlinux(setDefaultEntry(menu, item.entry.label)), signal);
  return item.entry.label;
}

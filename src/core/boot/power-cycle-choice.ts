/**
 * The seed's rescue, shared by "Boot generation N" and the boot test: with the console watched
 * and an automatic choice armed, the board is power-cycled (by the user when told to, or by
 * whatever can: a relay, a qemu restart), and at the menu u-boot is halted and the entry chosen.
 */
import { DevicesError } from '../errors';
import type { UBootConsoleHelper } from './console-helper';
import type { ConsoleMenu } from './uboot-console';
import type { ChosenBootEntry, ConsoleEntryQuery } from './uboot-menu-choice';

export interface PowerCycleRequest {
  /** The device's name in messages. */
  readonly device: string;
  /** What the user is told ("Power-cycle board now: …"). */
  readonly message: string;
}

/**
 * Power-cycles or resets the board, or tells the user to and resolves when they confirm. A
 * rejection (the user cancelled the prompt) ends the operation. `signal` aborts once the menu has
 * come, so a prompt still open can close itself.
 */
export type PowerCycle = (request: PowerCycleRequest, signal: AbortSignal) => Promise<void>;

export interface PowerCycleChoiceOptions {
  readonly console: UBootConsoleHelper;
  readonly query: ConsoleEntryQuery;
  readonly powerCycle: PowerCycle;
  readonly request: PowerCycleRequest;
  /** From the power-cycle request until u-boot starts the entry (a person needs time to get up). */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly onMenu?: (menu: ConsoleMenu) => void;
}

/** Arms the choice first (the menu can come fast), then asks for the power cycle. */
export async function powerCycleAndChoose(options: PowerCycleChoiceOptions): Promise<ChosenBootEntry> {
  const chooseAbort = new AbortController();
  const promptAbort = new AbortController();
  const chosen = options.console.chooseEntry(options.query, {
    timeoutMs: options.timeoutMs,
    signal: AbortSignal.any([options.signal, chooseAbort.signal]),
    onMenu: (menu) => {
      promptAbort.abort(new DevicesError('CANCELLED', 'The boot menu came; the power-cycle prompt is no longer needed.'));
      options.onMenu?.(menu);
    },
  });
  // Whichever of the two settles the operation, the other must not become an unhandled rejection.
  chosen.catch(() => undefined);
  const cycled = options.powerCycle(options.request, AbortSignal.any([options.signal, promptAbort.signal])).catch((error: unknown) => {
    // A prompt closed because the menu came is not a failure.
    if (promptAbort.signal.aborted) return;
    throw error;
  });
  try {
    // A failed power cycle (the user cancelled) ends it; a completed one leaves the menu to come.
    await Promise.race([chosen, cycled.then(() => chosen)]);
    return await chosen;
  } finally {
    promptAbort.abort(new DevicesError('CANCELLED', 'The boot menu choice ended.'));
    chooseAbort.abort(new DevicesError('CANCELLED', 'The power cycle failed or was cancelled.'));
  }
}

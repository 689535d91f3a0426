/**
 * `nixos-devices flash IMAGE DEVICE [--yes] [--no-verify] [--allow-non-removable] [--unmount]
 * [--eject] [--json]`: writes an image (.img.zst, .img.xz, .img.gz, .img, .iso, or a Nix result
 * folder) to a card, verifies it, and prints two SHA-256 hashes: of the image file as shipped
 * and of the bytes written. Without --yes it asks on the terminal (naming model, size, path)
 * and refuses when stdin is not a terminal. --json prints one JSON event per line.
 */
import { createInterface } from 'node:readline/promises';
import { DevicesError, exitStatusFor } from '../core/errors';
import { describeDrive, formatBytes, formatProgress, ProgressMeter, startFlash, type FlashPlan, type FlashResult } from '../core/flash';
import type { JobEvent } from '../core/jobs';
import { parseArgs } from './args';
import type { CliCommand, CliIo } from './main';

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean };
/** CliIo with the stdin the confirmation reads (process.stdin unless a caller gives one). */
export type FlashCliIo = CliIo & { readonly stdin?: Stdin };

const FLASH_FLAGS = ['yes', 'no-verify', 'allow-non-removable', 'unmount', 'eject', 'json'] as const;

export function confirmationText(plan: FlashPlan): string {
  const lines = [
    `Write ${plan.image.name} (${formatBytes(plan.image.size.bytes)}${plan.image.size.estimated ? ', estimated' : ''}) to`,
    `  ${describeDrive(plan.assessment.drive)}`,
    ...plan.assessment.warnings.map((w) => `Warning: ${w}`),
    ...(plan.assessment.mounted.length > 0 ? [`It will be unmounted from ${plan.assessment.mounted.join(', ')}.`] : []),
    `Everything on ${plan.assessment.drive.path} will be erased.`,
  ];
  return `${lines.join('\n')}\n`;
}

async function ask(stdin: Stdin, io: CliIo, question: string): Promise<string> {
  const rl = createInterface({ input: stdin, output: io.stderr, terminal: false });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

function confirmer(io: FlashCliIo, yes: boolean): ((plan: FlashPlan) => Promise<boolean>) | undefined {
  if (yes) return undefined;
  const stdin: Stdin = io.stdin ?? process.stdin;
  return async (plan) => {
    if (stdin.isTTY !== true) {
      throw new DevicesError('INVALID_ARGUMENT', `Not flashing ${plan.assessment.drive.path} without a confirmation, and stdin is not a terminal to ask on. Pass --yes to confirm. Nothing was written.`);
    }
    io.stderr.write(confirmationText(plan));
    if ((await ask(stdin, io, 'Type "yes" to continue: ')).toLowerCase() !== 'yes') return false;
    if (plan.assessment.needsSecondConfirmation) {
      const path = plan.assessment.drive.path;
      return (await ask(stdin, io, `This is a large drive. Type its path (${path}) to confirm again: `)) === path;
    }
    return true;
  };
}

export function formatResult(result: FlashResult): string {
  return [
    `Wrote ${formatBytes(result.bytesWritten)} to ${result.target}${result.verified ? ', verified' : ' (not verified)'}.`,
    `SHA-256 of the image file:    ${result.imageFileSha256}  ${result.imagePath}`,
    `SHA-256 of the bytes written: ${result.writtenSha256}`,
    ...result.warnings.map((w) => `Warning: ${w}`),
  ].join('\n');
}

function jsonEvent(event: JobEvent<FlashResult>): unknown {
  switch (event.kind) {
    case 'phase':
      return { event: 'phase', phase: event.phase };
    case 'progress':
      return { event: 'progress', ...event.progress };
    case 'log':
      return { event: 'log', level: event.level, line: event.line };
    case 'child':
      return undefined;
    case 'result':
      return event.outcome.status === 'succeeded'
        ? { event: 'result', status: 'succeeded', ...event.outcome.value }
        : { event: 'result', status: event.outcome.status, code: event.outcome.error.code, message: event.outcome.error.message };
  }
}

export const flashCommand: CliCommand = async (args, io, signal) => {
  const parsed = parseArgs(args, { booleans: [...FLASH_FLAGS] }, 'flash');
  const [image, target, ...extra] = parsed.positional;
  if (image === undefined || target === undefined || extra.length > 0) {
    throw new DevicesError('INVALID_ARGUMENT', 'Usage: nixos-devices flash IMAGE DEVICE [--yes] [--no-verify] [--allow-non-removable] [--unmount] [--eject] [--json]');
  }
  const json = parsed.flags.has('json');
  const confirm = confirmer(io, parsed.flags.has('yes'));
  const job = startFlash({
    image,
    target,
    verify: !parsed.flags.has('no-verify'),
    allowNonRemovable: parsed.flags.has('allow-non-removable'),
    unmount: parsed.flags.has('unmount'),
    eject: parsed.flags.has('eject'),
    signal,
    ...(confirm === undefined ? {} : { confirm }),
  });
  const meter = new ProgressMeter();
  let phase = '';
  const tty = io.stderr.isTTY === true;
  const subscription = job.onEvent((event) => {
    if (json) {
      const line = jsonEvent(event);
      if (line !== undefined) io.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    if (event.kind === 'phase') {
      phase = event.phase;
      meter.reset();
      if (tty) io.stderr.write(`\r\x1b[K${phase}…`);
    } else if (event.kind === 'progress' && tty) {
      io.stderr.write(`\r\x1b[K${formatProgress(phase, event.progress, meter.update(event.progress, Date.now()))}`);
    }
  });
  try {
    const outcome = await job.done;
    if (!json && tty) io.stderr.write('\r\x1b[K');
    if (outcome.status !== 'succeeded') {
      if (json) return exitStatusFor(outcome.error);
      throw outcome.error;
    }
    if (!json) io.stdout.write(`${formatResult(outcome.value)}\n`);
    return 0;
  } finally {
    subscription.dispose();
  }
};

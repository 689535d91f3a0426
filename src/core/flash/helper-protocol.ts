/**
 * The privileged flash helper's protocol. The editor never runs as root: it starts a small
 * helper (pkexec/sudo, or directly when the device is writable) with one JSON request as its
 * only argument; the helper re-applies the drive policy itself, runs startFlash, and writes one
 * JSON message per line on stdout. stderr is for humans (the log). Cancel is SIGINT to the helper.
 *
 * Both sides import this file only; `parseHelperMessage`/`parseHelperRequest` validate what
 * crosses the process boundary, so a bad line is dropped, never trusted.
 */
import type { DevicesErrorCode } from '../errors';
import type { JobEvent } from '../jobs';
import type { FlashPhase, FlashResult } from './flash-image';

export const HELPER_PROTOCOL_VERSION = 1;

/** argv[2] of the helper, JSON. */
export interface HelperRequest {
  readonly version: typeof HELPER_PROTOCOL_VERSION;
  readonly image: string;
  readonly target: string;
  readonly verify: boolean;
  readonly allowNonRemovable: boolean;
  readonly unmount: boolean;
  readonly eject: boolean;
}

/** One line of the helper's stdout. */
export type HelperMessage =
  | { readonly type: 'phase'; readonly phase: FlashPhase }
  | { readonly type: 'progress'; readonly done: number; readonly total?: number; readonly estimated?: boolean }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly line: string }
  | { readonly type: 'result'; readonly result: FlashResult }
  | { readonly type: 'error'; readonly code: DevicesErrorCode; readonly message: string; readonly cancelled: boolean };

const PHASES: readonly FlashPhase[] = ['checking', 'unmounting', 'wiping', 'writing', 'finishing', 'verifying', 'ejecting'];
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function encodeHelperMessage(message: HelperMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/** The helper's side: a flash Job's events as protocol messages. */
export function helperMessageFor(event: JobEvent<FlashResult>): HelperMessage | undefined {
  switch (event.kind) {
    case 'phase':
      return PHASES.includes(event.phase as FlashPhase) ? { type: 'phase', phase: event.phase as FlashPhase } : undefined;
    case 'progress':
      return {
        type: 'progress',
        done: event.progress.done,
        ...(event.progress.total === undefined ? {} : { total: event.progress.total }),
        ...(event.progress.estimated === true ? { estimated: true } : {}),
      };
    case 'log':
      return { type: 'log', level: event.level, line: event.line };
    case 'child':
      return undefined;
    case 'result':
      return event.outcome.status === 'succeeded'
        ? { type: 'result', result: event.outcome.value }
        : { type: 'error', code: event.outcome.error.code, message: event.outcome.error.message, cancelled: event.outcome.status === 'cancelled' };
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';

function isFlashResult(v: unknown): v is FlashResult {
  return (
    isObject(v) &&
    isString(v['imagePath']) &&
    isString(v['target']) &&
    isNumber(v['bytesWritten']) &&
    isString(v['imageFileSha256']) &&
    isString(v['writtenSha256']) &&
    typeof v['verified'] === 'boolean' &&
    isString(v['decompressor']) &&
    (v['writeMode'] === 'direct' || v['writeMode'] === 'buffered') &&
    Array.isArray(v['warnings']) &&
    v['warnings'].every(isString)
  );
}

/** The editor's side: one stdout line to a message, or undefined for anything malformed. */
export function parseHelperMessage(line: string): HelperMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  switch (v['type']) {
    case 'phase':
      return PHASES.find((p) => p === v['phase']) === undefined ? undefined : { type: 'phase', phase: v['phase'] as FlashPhase };
    case 'progress': {
      if (!isNumber(v['done']) || (v['total'] !== undefined && !isNumber(v['total']))) return undefined;
      return { type: 'progress', done: v['done'], ...(isNumber(v['total']) ? { total: v['total'] } : {}), ...(v['estimated'] === true ? { estimated: true } : {}) };
    }
    case 'log': {
      const level = LEVELS.find((l) => l === v['level']);
      return level === undefined || !isString(v['line']) ? undefined : { type: 'log', level, line: v['line'] };
    }
    case 'result':
      return isFlashResult(v['result']) ? { type: 'result', result: v['result'] } : undefined;
    case 'error':
      // The code is trusted as a string only; the editor maps unknown codes to INTERNAL.
      return isString(v['code']) && isString(v['message'])
        ? { type: 'error', code: v['code'] as DevicesErrorCode, message: v['message'], cancelled: v['cancelled'] === true }
        : undefined;
    default:
      return undefined;
  }
}

export function parseHelperRequest(text: string): HelperRequest | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v['version'] !== HELPER_PROTOCOL_VERSION || !isString(v['image']) || !isString(v['target'])) return undefined;
  const flag = (key: string): boolean => v[key] === true;
  return { version: HELPER_PROTOCOL_VERSION, image: v['image'], target: v['target'], verify: v['verify'] !== false, allowNonRemovable: flag('allowNonRemovable'), unmount: flag('unmount'), eject: flag('eject') };
}

/**
 * Nix's `--log-format internal-json` (on stderr): one function from a line to an event.
 * Lines are `@nix {json}`; actions start / stop / result / msg / setPhase. The numbers come from
 * Nix's src/libutil/logging.hh (ActivityType, ResultType). New Nix versions add types (activity
 * 112 FetchTree, 113 FetchToStore; results 109, 110) and fields (`payload`): unknown types and
 * extra fields are carried through, never an error — the best-known log viewer breaks on each
 * Nix release because it does not. Lines that are not `@nix` JSON pass through as plain log.
 */
import { stripAnsi } from './ansi';

export const ActivityType = {
  Unknown: 0,
  CopyPath: 100,
  FileTransfer: 101,
  Realise: 102,
  CopyPaths: 103,
  Builds: 104,
  Build: 105,
  OptimiseStore: 106,
  VerifyPaths: 107,
  Substitute: 108,
  QueryPathInfo: 109,
  PostBuildHook: 110,
  BuildWaiting: 111,
  FetchTree: 112,
  FetchToStore: 113,
} as const;

export const ResultType = {
  FileLinked: 100,
  BuildLogLine: 101,
  UntrustedPath: 102,
  CorruptedPath: 103,
  SetPhase: 104,
  Progress: 105,
  SetExpected: 106,
  PostBuildLogLine: 107,
  FetchStatus: 108,
  FetchToStore: 109,
} as const;

/** Nix's verbosity levels: 0 error, 1 warn, 2 notice, 3 info, 4 talkative, 5 chatty, 6 debug, 7 vomit. */
export type NixVerbosity = number;

export interface NixPosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type NixLogEvent =
  | {
      readonly kind: 'start';
      readonly id: number;
      readonly type: number;
      readonly level: NixVerbosity;
      readonly text: string;
      readonly parent: number;
      /** Activity fields, e.g. [drvPath, machine, round, nrRounds] for Build. */
      readonly fields: readonly unknown[];
    }
  | { readonly kind: 'stop'; readonly id: number }
  | { readonly kind: 'result'; readonly id: number; readonly type: number; readonly fields: readonly unknown[] }
  | {
      readonly kind: 'message';
      readonly level: NixVerbosity;
      /** ANSI stripped. */
      readonly text: string;
      /** The message without Nix's "error:" prefix and code frame, ANSI stripped, when Nix gave one. */
      readonly rawText?: string;
      readonly position?: NixPosition;
    }
  /** A line that is not internal-json: passed through as plain log (builders may print anything). */
  | { readonly kind: 'plain'; readonly text: string };

const PREFIX = '@nix ';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function fieldsOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Parses one stderr line of `nix … --log-format internal-json`. Never throws. */
export function parseNixLogLine(line: string): NixLogEvent {
  if (!line.startsWith(PREFIX)) return { kind: 'plain', text: stripAnsi(line) };
  let data: unknown;
  try {
    data = JSON.parse(line.slice(PREFIX.length));
  } catch {
    return { kind: 'plain', text: stripAnsi(line) };
  }
  if (!isRecord(data)) return { kind: 'plain', text: stripAnsi(line) };
  switch (data['action']) {
    case 'start':
      return {
        kind: 'start',
        id: num(data['id']),
        type: num(data['type']),
        level: num(data['level'], 3),
        text: stripAnsi(str(data['text'])),
        parent: num(data['parent']),
        fields: fieldsOf(data['fields']),
      };
    case 'stop':
      return { kind: 'stop', id: num(data['id']) };
    case 'result':
      return { kind: 'result', id: num(data['id']), type: num(data['type']), fields: fieldsOf(data['fields']) };
    case 'msg': {
      const file = data['file'];
      const position: NixPosition | undefined =
        typeof file === 'string' && file.length > 0 ? { file, line: num(data['line']), column: num(data['column']) } : undefined;
      const raw = typeof data['raw_msg'] === 'string' ? stripAnsi(data['raw_msg']) : undefined;
      return {
        kind: 'message',
        level: num(data['level'], 3),
        text: stripAnsi(str(data['msg'])),
        ...(raw === undefined || raw.length === 0 ? {} : { rawText: raw }),
        ...(position === undefined ? {} : { position }),
      };
    }
    // Older Nix sent build phases as their own action; newer as a SetPhase result.
    case 'setPhase':
      return { kind: 'result', id: num(data['id']), type: ResultType.SetPhase, fields: [str(data['phase'])] };
    default:
      return { kind: 'plain', text: stripAnsi(line) };
  }
}

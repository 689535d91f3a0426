/**
 * The one error type of NixOS Devices. Every failure a user can see is a DevicesError:
 * a stable `code` the CLI maps to an exit status and the UI to buttons, a `message` the user
 * can act on (what happened, to which thing, what to do next), `detail` for the log.
 */

export type DevicesErrorCode =
  | 'CANCELLED'
  | 'SPAWN_FAILED'
  | 'PROGRAM_FAILED'
  | 'NIX_MISSING'
  | 'NIX_EVAL_FAILED'
  | 'NIX_BUILD_FAILED'
  | 'FLAKE_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'INVALID_SETTING'
  | 'UNTRUSTED_WORKSPACE'
  | 'DRIVE_IS_SYSTEM'
  | 'DRIVE_NOT_ALLOWED'
  | 'DRIVE_TOO_SMALL'
  | 'DRIVE_MOUNTED'
  | 'IMAGE_INVALID'
  | 'VERIFY_FAILED'
  | 'HOST_KEY_CHANGED'
  | 'HOST_KEY_UNKNOWN'
  | 'SSH_FAILED'
  | 'DEPLOY_ROLLED_BACK'
  | 'PORT_UNAVAILABLE'
  | 'PARSE_FAILED'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'TIMEOUT'
  | 'PERMISSION_DENIED'
  | 'ELEVATION_FAILED'
  | 'IMAGE_TRUNCATED'
  | 'IMAGE_CORRUPT'
  | 'DEVICE_UNREACHABLE'
  | 'AUTH_FAILED'
  | 'DEPLOY_FAILED'
  | 'PORT_IN_USE'
  | 'INTERNAL';

/** A follow-up the user can take, as plain data so core stays free of `vscode`. */
export interface ErrorAction {
  readonly title: string;
  readonly command: string;
  readonly args?: readonly unknown[];
}

/** Where in a file the problem is (1-based line and column, as Nix and compilers print them). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface DevicesErrorOptions {
  readonly detail?: string;
  readonly location?: SourceLocation;
  readonly cause?: unknown;
  readonly actions?: readonly ErrorAction[];
}

export class DevicesError extends Error {
  override readonly name = 'DevicesError';
  readonly code: DevicesErrorCode;
  readonly detail: string | undefined;
  readonly actions: readonly ErrorAction[];
  readonly location: SourceLocation | undefined;

  constructor(code: DevicesErrorCode, message: string, options: DevicesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
    this.actions = options.actions ?? [];
    this.location = options.location;
  }
}

export function isCancellation(error: unknown): boolean {
  if (error instanceof DevicesError) return error.code === 'CANCELLED';
  return error instanceof Error && error.name === 'AbortError';
}

/** Turns anything thrown into a DevicesError, keeping the original as `cause`. */
export function toDevicesError(error: unknown, context?: string): DevicesError {
  if (error instanceof DevicesError) return error;
  if (isCancellation(error)) return new DevicesError('CANCELLED', 'Cancelled.', { cause: error });
  const text = error instanceof Error ? error.message : String(error);
  const message = context === undefined ? text : `${context}: ${text}`;
  return new DevicesError('INTERNAL', message, {
    cause: error,
    ...(error instanceof Error && error.stack !== undefined ? { detail: error.stack } : {}),
  });
}

/** CLI exit status for an error code: 130 for a cancel as shells do, 1 otherwise. */
export function exitStatusFor(error: DevicesError): number {
  switch (error.code) {
    case 'CANCELLED':
      return 130;
    case 'INVALID_ARGUMENT':
      return 2;
    default:
      return 1;
  }
}

/**
 * The macOS elevation path: macOS has neither pkexec nor a polkit agent, and sudo in a GUI has no
 * terminal to ask on. `osascript -e 'do shell script "…" with administrator privileges'` shows
 * the system's own administrator dialog and runs a /bin/sh command as root (Apple, Technical
 * Note TN2065 "do shell script in AppleScript"). It runs our bundled CLI, as pkexec/sudo do on
 * Linux (one protocol: `flash --json` events); the CLI re-applies the drive policy as root.
 *
 * Two things differ from pkexec/sudo, and the shell command handles both:
 * - `do shell script` returns the command's output only when it ends, so the CLI's events go to a
 *   file in a folder of ours that we read as it grows (`eventsFile`).
 * - The root command outlives a killed osascript, so cancelling is a file: the command polls for
 *   `cancelFile` and sends the CLI SIGINT, which cancels the write leaving the card clearly
 *   invalid, as a cancel does everywhere.
 * The device is given as /dev/diskN (how diskutil lists it, so the CLI's policy check finds it);
 * the writer unmounts with `diskutil unmountDisk` and writes the raw /dev/rdiskN (./macos-disk.ts).
 * Not run on macOS here: the argv and the shell command are tested on Linux with a stand-in
 * osascript that runs the script text the way `do shell script` does.
 */
import { flashCliArgv, type FlashCliArgvOptions } from './flash-cli-argv';
import { quoteArgv } from '../remote';

export const OSASCRIPT_PATH = '/usr/bin/osascript';

/** AppleScript error number for a dismissed authentication dialog ("User canceled."). */
export const APPLESCRIPT_USER_CANCELED = -128;

/** An AppleScript string literal: backslash and double quote escaped (AppleScript Language Guide, "text"). */
export function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `target` is /dev/diskN. */
export interface MacosFlashCommand extends FlashCliArgvOptions {
  /** A file in a folder only the user can write; the CLI's `--json` events and errors go there. */
  readonly eventsFile: string;
  /** Created by the user's side to cancel. */
  readonly cancelFile: string;
  /** The dialog's text. */
  readonly prompt: string;
}

/** The /bin/sh command root runs: the CLI in the background, cancelled by `cancelFile`. */
export function macosFlashShellCommand(options: MacosFlashCommand): string {
  const cli = quoteArgv([
    ...flashCliArgv(options),
  ]);
  const cancel = quoteArgv([options.cancelFile]);
  // One line (`&` already ends the first command: `& ;` would be a syntax error).
  return `${cli} >${quoteArgv([options.eventsFile])} 2>&1 </dev/null & ${[
    'c=$!',
    `while kill -0 "$c" 2>/dev/null; do if [ -e ${cancel} ]; then kill -INT "$c"; fi; sleep 0.2; done`,
    'wait "$c"',
  ].join('; ')}`;
}

/** `osascript -e 'do shell script "…" with prompt "…" with administrator privileges'`. */
export function osascriptFlashArgv(options: MacosFlashCommand & { readonly osascriptPath?: string }): string[] {
  const script = `do shell script ${appleScriptString(macosFlashShellCommand(options))} with prompt ${appleScriptString(options.prompt)} with administrator privileges`;
  return [options.osascriptPath ?? OSASCRIPT_PATH, '-e', script];
}

export type OsascriptOutcome = { readonly kind: 'ok' } | { readonly kind: 'dismissed' } | { readonly kind: 'failed'; readonly exitStatus: number | undefined; readonly message: string };

/**
 * What osascript's exit and stderr say. A failing `do shell script` ends osascript with status 1
 * and `execution error: <output> (<status>)` on stderr; a dismissed dialog with `(-128)`.
 */
export function classifyOsascriptExit(exitCode: number | null, stderr: string): OsascriptOutcome {
  if (exitCode === 0) return { kind: 'ok' };
  const match = /execution error: ([\s\S]*?)\s*\((-?\d+)\)\s*$/.exec(stderr.trim());
  const status = match?.[2] === undefined ? undefined : Number(match[2]);
  if (status === APPLESCRIPT_USER_CANCELED) return { kind: 'dismissed' };
  return { kind: 'failed', exitStatus: status, message: (match?.[1] ?? stderr).trim() };
}

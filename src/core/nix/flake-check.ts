/**
 * `nix flake check --no-build` for one flake: what Nix itself says is wrong with the flake's
 * outputs (an output of the wrong type, a configuration that does not evaluate), as problems at
 * their source lines. Nothing is built: the check evaluates every output, which is seconds for a
 * small flake and can be minutes for many NixOS configurations, so the UI runs it only when the
 * user opted in. Nix stops at the first error, so there is at most one error per run.
 */
import type { SourceLocation } from '../errors';
import type { NixCli, NixMessage } from './nix-cli';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFlakeMetadata } from './flake-outputs';
import { locateFlakeOutput, splitOutputPath } from './flake-output-location';
import type { SourceRoot } from './source-paths';

export interface FlakeCheckProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Where Nix points; absent for messages about the flake as a whole. */
  readonly location?: SourceLocation;
}

export interface FlakeCheckResult {
  /** Nix's own verdict: exit status 0. */
  readonly passed: boolean;
  readonly problems: readonly FlakeCheckProblem[];
}

/**
 * Outputs this extension reads that Nix's checker does not know (deploy-rs's `deploy`, the SD
 * `images`): Nix warns "unknown flake output" for them, which would tell the user to remove
 * exactly what the other features use.
 */
const OUTPUTS_NIX_DOES_NOT_KNOW = new Set(['deploy', 'images']);
const UNKNOWN_OUTPUT = /^warning: unknown flake output '([^']+)'/;
/** Nix's checker names the output it rejects but gives no position (flake.cc checkDerivation …). */
const NAMED_OUTPUT = /flake (?:output )?attribute '([^']+)'/;
/** A hint Nix prints as a separate error message after every evaluation error. */
const SHOW_TRACE_HINT = /^\(use '--show-trace' to show detailed location information\)$/;

/** Nix's internal-json levels: 0 error, 1 warning. */
const ERROR_LEVEL = 0;

/**
 * Nix's messages as problems. `flake` (path and text of flake.nix) places a message that names
 * an output but has no position at that output's definition.
 */
export function problemsFromMessages(messages: readonly NixMessage[], flake?: { readonly file: string; readonly text: string }): FlakeCheckProblem[] {
  const problems: FlakeCheckProblem[] = [];
  for (const m of messages) {
    const unknown = UNKNOWN_OUTPUT.exec(m.text);
    if (unknown?.[1] !== undefined && OUTPUTS_NIX_DOES_NOT_KNOW.has(unknown[1])) continue;
    const message = summarise(m.text);
    if (message === '' || SHOW_TRACE_HINT.test(message)) continue;
    let location: SourceLocation | undefined = m.position;
    const named = NAMED_OUTPUT.exec(message)?.[1];
    if (location === undefined && named !== undefined && flake !== undefined) {
      const at = locateFlakeOutput(flake.text, splitOutputPath(named));
      if (at !== undefined) location = { file: flake.file, ...at };
    }
    problems.push({ severity: m.level === ERROR_LEVEL ? 'error' : 'warning', message, ...(location === undefined ? {} : { location }) });
  }
  return problems;
}

/** "error: <what>\n\n  at file:l:c: <frame>" → "<what>", keeping a multi-line what. */
function summarise(text: string): string {
  const first = text.split(/\n\s*\n/)[0] ?? text;
  return first.replace(/^(error|warning):\s*/, '').replace(/\s+$/, '');
}

export async function checkFlake(nix: NixCli, flakeDir: string, signal?: AbortSignal): Promise<FlakeCheckResult> {
  const metadata = await readFlakeMetadata(nix, flakeDir, signal);
  const sourceRoots: SourceRoot[] = [{ storePath: metadata.sourcePath, localDir: flakeDir }];
  const result = await nix.run(['flake', 'check', '--no-build', metadata.lockedUrl], {
    cwd: flakeDir,
    sourceRoots,
    fallbackSourceDir: flakeDir,
    ...(signal === undefined ? {} : { signal }),
  });
  const flakeFile = join(flakeDir, 'flake.nix');
  const flakeText = await readFile(flakeFile, 'utf8').catch(() => undefined);
  const problems = problemsFromMessages(result.messages, flakeText === undefined ? undefined : { file: flakeFile, text: flakeText });
  const passed = result.exec.exitCode === 0;
  if (!passed && !problems.some((p) => p.severity === 'error')) {
    // Nix failed without an error message we could read (killed, or an old Nix's plain text).
    const tail = result.exec.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('@nix ')).slice(-3).join('\n');
    problems.push({ severity: 'error', message: tail === '' ? `nix flake check exited with ${String(result.exec.exitCode)}` : tail });
  }
  return { passed, problems };
}

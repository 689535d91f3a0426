/**
 * `nixos-devices check [--format text|json] FILE...`: the language server's diagnostics from a
 * shell or CI. Text is `file:line:col: severity code: message` (1-based, like compilers); JSON
 * is `[{file, diagnostics: [{code, severity, message, range}]}]` with 0-based LSP positions.
 * Exit status: 1 when any error is found or a file cannot be read, 0 otherwise, 2 for usage.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DevicesError } from '../core/errors';
import { checkText, PositionMapper, type Finding, type Position } from '../core/rules';
import { parseArgs } from './args';
import type { CliCommand } from './main';

const USAGE = 'Usage: nixos-devices check [--format text|json] FILE...\n';

export interface FileDiagnostics {
  readonly file: string;
  readonly diagnostics: readonly {
    readonly code: string;
    readonly severity: Finding['severity'];
    readonly message: string;
    readonly range: { readonly start: Position; readonly end: Position };
  }[];
}

/** The JSON shape of one file's findings. */
export function toFileDiagnostics(file: string, text: string, findings: readonly Finding[]): FileDiagnostics {
  const mapper = new PositionMapper(text);
  return {
    file,
    diagnostics: findings.map((f) => ({ code: f.ruleId, severity: f.severity, message: f.message, range: { start: mapper.positionAt(f.start), end: mapper.positionAt(f.end) } })),
  };
}

/** Compiler-style lines: `file:line:col: severity code: message`, 1-based. */
export function formatText(result: FileDiagnostics): string {
  return result.diagnostics.map((d) => `${result.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}\n`).join('');
}

const READ_FAILURES: Readonly<Record<string, string>> = { ENOENT: 'no such file', EISDIR: 'it is a directory', EACCES: 'permission denied' };

function readFailure(error: unknown): string {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return (code === undefined ? undefined : READ_FAILURES[code]) ?? (error instanceof Error ? error.message : String(error));
}

export const checkCommand: CliCommand = async (args, io, signal) => {
  let format: string;
  let files: readonly string[];
  try {
    const parsed = parseArgs(args, { values: ['format'] }, 'check');
    const value = parsed.flags.get('format');
    format = typeof value === 'string' ? value : 'text';
    files = [...parsed.positional, ...parsed.rest];
  } catch (error) {
    if (!(error instanceof DevicesError)) throw error;
    io.stderr.write(`nixos-devices: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (format !== 'text' && format !== 'json') {
    io.stderr.write(`nixos-devices: check: --format must be text or json, not '${format}'.\n${USAGE}`);
    return 2;
  }
  if (files.length === 0) {
    io.stderr.write(`nixos-devices: check: name at least one .nix file.\n${USAGE}`);
    return 2;
  }
  const results: FileDiagnostics[] = [];
  let failed = false;
  for (const file of files) {
    signal.throwIfAborted();
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      failed = true;
      io.stderr.write(`nixos-devices: check: cannot read ${file}: ${readFailure(error)}.\n`);
      continue;
    }
    const { findings } = checkText(text);
    const result = toFileDiagnostics(file, text, findings);
    if (findings.some((f) => f.severity === 'error')) failed = true;
    results.push(result);
    if (format === 'text') io.stdout.write(formatText(result));
  }
  if (format === 'json') io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return failed ? 1 : 0;
};

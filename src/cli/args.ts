/**
 * A small argv parser for the CLI's subcommands: flags declared up front, `--` ends options,
 * unknown flags are an INVALID_ARGUMENT error naming the flag (exit 2).
 */
import { DevicesError } from '../core/errors';

export interface FlagSpec {
  /** Flags that take a value (`--baud 115200` or `--baud=115200`). */
  readonly values?: readonly string[];
  /** Flags without a value. */
  readonly booleans?: readonly string[];
}

export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positional: readonly string[];
  /** Everything after `--`. */
  readonly rest: readonly string[];
}

export function parseArgs(args: readonly string[], spec: FlagSpec, command: string): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  const values = new Set(spec.values ?? []);
  const booleans = new Set(spec.booleans ?? []);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return { flags, positional, rest: args.slice(i + 1) };
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (booleans.has(name) && eq === -1) {
      flags.set(name, true);
    } else if (values.has(name)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new DevicesError('INVALID_ARGUMENT', `${command}: --${name} needs a value.`);
      flags.set(name, value);
    } else {
      throw new DevicesError('INVALID_ARGUMENT', `${command}: unknown option --${name}. See \`nixos-devices help\`.`);
    }
  }
  return { flags, positional, rest: [] };
}

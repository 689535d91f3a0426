/**
 * The humility terminal's choices as plain data (no `vscode`, so unit tests check them): the
 * subcommand quick pick from core's catalogue, the option pick, the free-text arguments split
 * into argv, and whether the probe must be chosen before humility runs.
 */
import { HUMILITY_SUBCOMMANDS, probeChoices, type HumilityOption, type HumilitySubcommand, type ProbeChoice } from '../../core/humility';
import type { ProbeEntry } from '../../core/ports';

export interface SubcommandPick {
  readonly label: string;
  readonly description: string;
  readonly detail?: string;
  /** undefined: "Other…", the whole command line typed by hand. */
  readonly subcommand?: HumilitySubcommand;
}

export function subcommandPicks(hasArchive: boolean): SubcommandPick[] {
  const picks: SubcommandPick[] = HUMILITY_SUBCOMMANDS.map((subcommand) => {
    const notes = [
      subcommand.options.length === 0 ? undefined : `options ${subcommand.options.map((o) => o.flag).join(' ')}`,
      subcommand.argument === undefined ? undefined : `argument ${subcommand.argument}`,
      subcommand.needsArchive && !hasArchive ? 'needs an archive (humility.archive in the device settings)' : undefined,
    ].filter((n) => n !== undefined);
    return { label: subcommand.name, description: subcommand.description, ...(notes.length === 0 ? {} : { detail: notes.join(' · ') }), subcommand };
  });
  picks.push({ label: 'Other…', description: 'type a humility command line (see `humility doc`)' });
  return picks;
}

export interface OptionPick {
  readonly label: string;
  readonly description: string;
  readonly option: HumilityOption;
}

export function optionPicks(subcommand: HumilitySubcommand): OptionPick[] {
  return subcommand.options.map((option) => ({ label: option.value === undefined ? option.flag : `${option.flag} ${option.value}`, description: option.description, option }));
}

/** Splits typed arguments like a shell does words: blanks separate, '…' and "…" group, \ escapes.
 * Throws on an unclosed quote. No expansion of any kind: the words go to humility as they are. */
export function splitArguments(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && /["\\]/.test(text.charAt(i + 1))) word += text.charAt(++i);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new Error(`unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** humility's argv: the subcommand, the chosen options (each with its value), then the typed words. */
export function humilityArgs(subcommand: HumilitySubcommand | undefined, options: readonly { readonly option: HumilityOption; readonly value?: string }[], typed: string): string[] {
  const head = subcommand === undefined ? [] : [subcommand.name];
  const flags = options.flatMap((o) => (o.option.value === undefined || o.value === undefined ? [o.option.flag] : [o.option.flag, o.value]));
  return [...head, ...flags, ...splitArguments(typed)];
}

export type ProbeDecision =
  /** The settings name one (HUMILITY_PROBE as set). */
  | { readonly kind: 'settings'; readonly value: string }
  /** No probe needed, none or one attached: humility's own default finds it. */
  | { readonly kind: 'default' }
  /** Several attached and the settings name none: the user picks. */
  | { readonly kind: 'pick'; readonly choices: readonly ProbeChoice[] };

export function probeDecision(settingsProbe: string | undefined, probes: readonly ProbeEntry[], needsProbe = true): ProbeDecision {
  if (settingsProbe !== undefined) return { kind: 'settings', value: settingsProbe };
  if (!needsProbe || probes.length <= 1) return { kind: 'default' };
  return { kind: 'pick', choices: probeChoices(probes) };
}

/** A terminal's name: "Humility: tasks -sl (vulpix)". */
export function humilityTerminalName(args: readonly string[], where: string | undefined): string {
  const command = args.join(' ');
  const short = command.length > 30 ? `${command.slice(0, 29)}…` : command;
  return `Humility: ${short || 'humility'}${where === undefined ? '' : ` (${where})`}`;
}

/** Terminal text: every line break as CRLF (a pty-less process writes bare LF). */
export function toTerminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

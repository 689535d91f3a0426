/**
 * The contract every flake and board rule follows. A rule reads one file's tree (no I/O): where
 * a value comes from another file it stays silent rather than guess. Offsets are UTF-16 code
 * unit offsets into the text, as the parser's; front-ends convert them to lines and columns.
 */
import type { ParseResult, ScopeInfo } from '../lang';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface Fix {
  /** A button title: "Use cargoHash", "Add x86_64-linux to boot.binfmt.emulatedSystems". */
  readonly title: string;
  readonly edits: readonly TextEdit[];
  readonly isPreferred?: boolean;
}

export interface Finding {
  /** The rule's id: also the diagnostic code, the setting key and the docs anchor. */
  readonly ruleId: string;
  readonly severity: Severity;
  readonly start: number;
  readonly end: number;
  /** What will go wrong at build, deploy or boot time, and how to fix it. */
  readonly message: string;
  readonly fixes: readonly Fix[];
  readonly tags?: readonly ('unnecessary' | 'deprecated')[];
}

export interface RuleContext {
  readonly text: string;
  readonly parse: ParseResult;
  readonly scopes: ScopeInfo;
  /** Rules that depend on the date (channel end of life) read it from here, so tests can pin it. */
  readonly today: Date;
  /**
   * The package names a flake input provides for a system (`inputs.<input>.packages.<system>`)
   * when the front-end knows them (the language server asks the editor, which asks Nix);
   * undefined when it does not. Rules never guess names: without them they offer no fix.
   */
  readonly inputPackages?: InputPackages | undefined;
}

export type InputPackages = (input: string, system: string) => readonly string[] | undefined;

export interface Rule {
  readonly id: string;
  readonly defaultSeverity: Severity;
  /** One paragraph for hovers and the docs: what it catches and why it matters. */
  readonly description: string;
  /** Part of the syntax/scope checks that users of nil or nixd may turn off. */
  readonly syntaxOrScope?: boolean;
  check(context: RuleContext): readonly Finding[];
}

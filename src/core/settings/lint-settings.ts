/**
 * The language server's settings (`nixosDevices.lint.*`), normalised so a bad value never stops
 * the server: it falls back to the default.
 */
export type RuleLevel = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface LintSettings {
  readonly enable: boolean;
  /** Syntax and scope checks (syntax-error, duplicate-attribute, undefined-variable,
   * unused-binding): users of nil or nixd turn these off and keep the flake rules. */
  readonly syntaxAndScope: boolean;
  /** Per-rule severity or 'off', by rule id. */
  readonly rules: ReadonlyMap<string, RuleLevel>;
  /** Run `nix flake check --no-build` on save (needs nix and a trusted workspace). */
  readonly flakeCheckOnSave: boolean;
}

export const DEFAULT_LINT_SETTINGS: LintSettings = { enable: true, syntaxAndScope: true, rules: new Map(), flakeCheckOnSave: false };

const LEVELS: ReadonlySet<string> = new Set(['error', 'warning', 'information', 'hint', 'off']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function normaliseLintSettings(raw: unknown): LintSettings {
  if (!isRecord(raw)) return DEFAULT_LINT_SETTINGS;
  const rules = new Map<string, RuleLevel>();
  if (isRecord(raw['rules'])) {
    for (const [id, level] of Object.entries(raw['rules'])) {
      if (typeof level === 'string' && LEVELS.has(level)) rules.set(id, level as RuleLevel);
    }
  }
  const bool = (key: string, fallback: boolean): boolean => (typeof raw[key] === 'boolean' ? raw[key] : fallback);
  return {
    enable: bool('enable', DEFAULT_LINT_SETTINGS.enable),
    syntaxAndScope: bool('syntaxAndScope', DEFAULT_LINT_SETTINGS.syntaxAndScope),
    rules,
    flakeCheckOnSave: bool('flakeCheckOnSave', DEFAULT_LINT_SETTINGS.flakeCheckOnSave),
  };
}

/**
 * `checkText`: parse once, resolve scopes once, run every enabled rule. A rule that throws is
 * logged and skipped, so one bug never hides the other rules' findings.
 */
import { parse, resolveScopes, type ParseResult, type ScopeInfo } from '../lang';
import { SILENT_LOGGER, type Logger } from '../log';
import { SharedRuleContext } from './query/analysis';
import type { Finding, InputPackages, Rule, Severity } from './rule';

export interface CheckOptions {
  /** The date rules such as nixpkgs-channel-eol judge by; now when absent. */
  readonly today?: Date;
  readonly disabledRules?: ReadonlySet<string>;
  readonly severityOverrides?: ReadonlyMap<string, Severity | 'off'>;
  /** Run the syntax and scope rules (users of nil or nixd may turn them off); default true. */
  readonly syntaxAndScope?: boolean;
  readonly logger?: Logger;
  /** Known package names of flake inputs (see RuleContext.inputPackages). */
  readonly inputPackages?: InputPackages;
}

export interface RuleFailure {
  readonly ruleId: string;
  readonly error: unknown;
}

export interface CheckResult {
  readonly parse: ParseResult;
  readonly scopes: ScopeInfo;
  /** Sorted by start, then end, then rule id. */
  readonly findings: readonly Finding[];
  /** Rules that threw (their findings are missing); also logged. */
  readonly failures: readonly RuleFailure[];
}

export function checkTextWith(rules: readonly Rule[], text: string, options: CheckOptions = {}): CheckResult {
  const parsed = parse(text);
  const scopes = resolveScopes(parsed);
  const context = new SharedRuleContext(text, parsed, scopes, options.today ?? new Date(), options.inputPackages);
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const rule of rules) {
    if (options.disabledRules?.has(rule.id) === true) continue;
    if (rule.syntaxOrScope === true && options.syntaxAndScope === false) continue;
    const override = options.severityOverrides?.get(rule.id);
    if (override === 'off') continue;
    try {
      for (const finding of rule.check(context)) findings.push(override === undefined ? finding : { ...finding, severity: override });
    } catch (error) {
      failures.push({ ruleId: rule.id, error });
      (options.logger ?? SILENT_LOGGER).error(`Rule ${rule.id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  findings.sort((a, b) => a.start - b.start || a.end - b.end || a.ruleId.localeCompare(b.ruleId));
  return { parse: parsed, scopes, findings, failures };
}

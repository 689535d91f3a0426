/** A finding at a rule's default severity; rules build theirs through it. */
import type { Finding, Fix, Rule } from './rule';

export function makeFinding(
  rule: Pick<Rule, 'id' | 'defaultSeverity'>,
  range: { readonly start: number; readonly end: number },
  message: string,
  extra: { readonly fixes?: readonly Fix[]; readonly tags?: Finding['tags']; readonly severity?: Finding['severity'] } = {},
): Finding {
  return {
    ruleId: rule.id,
    severity: extra.severity ?? rule.defaultSeverity,
    start: range.start,
    end: range.end,
    message,
    fixes: extra.fixes ?? [],
    ...(extra.tags === undefined ? {} : { tags: extra.tags }),
  };
}

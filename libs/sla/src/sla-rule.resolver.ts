import { CallerKind, RequestType } from './request-type';
import { SlaDuration } from './sla-duration';
import { SlaRules } from './sla-preset.schema';

export interface HandlingFacts {
  type: RequestType;
  callerKind: CallerKind;
  categoryPath: readonly string[]; // category codes, root first
  emergencyLinked: boolean;
}

export type HandlingLimitSource = 'emergency_linked' | 'category_override' | 'enterprise' | 'type';

/**
 * Which handling limit applies to an order. Precedence, most specific first: the emergency-linked limit, a
 * limit set by law for the order's category (the nearest category in the tree wins), the enterprise limit,
 * then the preset's limit for the request type. `limit: null` means the preset sets none.
 */
export function resolveHandlingLimit(rules: SlaRules, facts: HandlingFacts): { limit: SlaDuration | null; source: HandlingLimitSource } {
  if (facts.emergencyLinked && rules.emergencyLinked) return { limit: rules.emergencyLinked.finish, source: 'emergency_linked' };
  for (const code of [...facts.categoryPath].reverse()) {
    const override = rules.categoryOverrides[code]?.[facts.type];
    if (override) return { limit: override, source: 'category_override' };
  }
  if (facts.callerKind === CallerKind.Enterprise && rules.enterpriseHandling) {
    const enterprise = rules.enterpriseHandling[facts.type];
    if (enterprise !== undefined) return { limit: enterprise, source: 'enterprise' };
  }
  return { limit: rules.handling[facts.type], source: 'type' };
}

/** The sign limit; an emergency-linked matter must be taken up within the faster "respond" limit. */
export function resolveSignLimit(rules: SlaRules, emergencyLinked: boolean): SlaDuration | null {
  if (emergencyLinked && rules.emergencyLinked) return rules.emergencyLinked.respond;
  return rules.sign;
}

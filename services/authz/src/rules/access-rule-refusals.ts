import { AuthzEvents, type EventDataInput, type ScopeRef } from '@dv/contracts';
import { type Refusal } from '@dv/messaging';

type Attempt = Omit<EventDataInput<typeof AuthzEvents.accessRuleRefused>, 'code' | 'message'>;

/**
 * A refused access-rule write as `AuthzEvents.accessRuleRefused` records it (through the one
 * RefusalRecorder): what the caller asked for, the rule (when it named one) as the entity, the scope.
 */
export function accessRuleRefusal(attempt: Attempt): Refusal<typeof AuthzEvents.accessRuleRefused> {
  const scope: ScopeRef | undefined = attempt.scopeType && attempt.scopeId ? { scopeType: attempt.scopeType, scopeId: attempt.scopeId } : undefined;
  return { event: AuthzEvents.accessRuleRefused, data: attempt, subject: attempt.ruleId, scope };
}

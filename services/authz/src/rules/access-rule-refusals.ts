import { AuthzEvents, DvError, type EventDataInput, type Principal, type ScopeRef, refusalMessage } from '@dv/contracts';
import { EventPublisher } from '@dv/messaging';
import { Injectable, Logger } from '@nestjs/common';

type Attempt = Omit<EventDataInput<typeof AuthzEvents.accessRuleRefused>, 'code' | 'message'>;

/**
 * Records refused access-rule writes as events, for the audit log: the caller, what it asked for
 * and the typed error it got. Failures of our own (UNAVAILABLE, INTERNAL) are not refusals. The
 * event is published before the error goes back; if publishing fails the caller still gets its
 * error (the refusal changed nothing, so nothing is inconsistent), and the failure is logged.
 */
@Injectable()
export class AccessRuleRefusals {
  private readonly logger = new Logger('AccessRuleRefusals');

  constructor(private readonly publisher: EventPublisher) {}

  async record(error: unknown, caller: Principal, attempt: Attempt, requestId: string | undefined): Promise<void> {
    if (!(error instanceof DvError) || error.code === 'UNAVAILABLE' || error.code === 'INTERNAL') return;
    const scope: ScopeRef | undefined = attempt.scopeType && attempt.scopeId ? { scopeType: attempt.scopeType, scopeId: attempt.scopeId } : undefined;
    try {
      await this.publisher.publish(
        AuthzEvents.accessRuleRefused,
        { ...attempt, code: error.code, message: refusalMessage(error.message) },
        { actor: { id: caller.subjectId, type: caller.subjectType }, ...(attempt.ruleId ? { subject: attempt.ruleId } : {}), ...(scope ? { scope } : {}), ...(requestId ? { requestId } : {}) },
      );
    } catch (publishError) {
      this.logger.warn(`refusal of ${attempt.operation} by ${caller.subjectType} ${caller.subjectId} not recorded: ${publishError instanceof Error ? publishError.message : String(publishError)}`);
    }
  }
}

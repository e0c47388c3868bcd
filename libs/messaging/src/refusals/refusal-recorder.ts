import { DvError, type EventDataInput, type EventDefinition, type ScopeRef, type SubjectType, isRefusalCode, refusalMessage } from '@dv/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '../events/event-publisher';

/** Who was refused: the caller the transport resolved (ctx.principal), or an identity of the same shape. */
export interface RefusedCaller {
  subjectId: string;
  subjectType: SubjectType;
}

/**
 * A refused request, as its refused-event contract records it: everything but `code` and `message`,
 * which come from the error the caller gets; the entity it concerned (the event's subject) and its scope.
 */
export interface Refusal<E extends EventDefinition> {
  event: E;
  data: Omit<EventDataInput<E>, 'code' | 'message'>;
  subject?: string | undefined;
  scope?: ScopeRef | undefined;
}

/**
 * The one recorder of refused requests, for the audit log (issue 13: there were four, with two
 * APIs). A refusal is a typed error of REFUSAL_CODES (a business check said no; UNAVAILABLE and
 * INTERNAL are faults of ours, UNAUTHENTICATED has no actor). It is published, with the caller as
 * actor and the request's id, before the error goes back to the caller. Nothing changed, so there is
 * no outbox: a publish that fails is logged and the caller still gets its error.
 */
@Injectable()
export class RefusalRecorder {
  private readonly logger = new Logger('Refusals');

  constructor(private readonly publisher: EventPublisher) {}

  /**
   * Runs `work`; if it is refused, records the refusal `describe` gives (called then, so it sees what
   * the work learnt on the way, e.g. the volume's project), and rethrows the error as it was.
   */
  async guard<T, E extends EventDefinition>(
    caller: RefusedCaller,
    requestId: string | undefined,
    describe: () => Refusal<E>,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.record(error, caller, requestId, describe());
      throw error;
    }
  }

  /** Records `error` if it is a refusal (anything else is left alone). */
  async record<E extends EventDefinition>(error: unknown, caller: RefusedCaller, requestId: string | undefined, refusal: Refusal<E>): Promise<void> {
    if (!(error instanceof DvError) || !isRefusalCode(error.code)) return;
    // The contract's data is the refusal's plus code and message: TypeScript cannot see that through the generic Omit.
    const data = { ...refusal.data, code: error.code, message: refusalMessage(error.message) } as EventDataInput<E>;
    try {
      await this.publisher.publish(refusal.event, data, {
        actor: { id: caller.subjectId, type: caller.subjectType },
        ...(refusal.subject !== undefined ? { subject: refusal.subject } : {}),
        ...(refusal.scope !== undefined ? { scope: refusal.scope } : {}),
        ...(requestId !== undefined ? { requestId } : {}),
      });
    } catch (publishError) {
      this.logger.warn(
        `the refusal (${error.code}) of ${refusal.event.type} by ${caller.subjectType} ${caller.subjectId} was not recorded: ${publishError instanceof Error ? publishError.message : String(publishError)}`,
      );
    }
  }
}

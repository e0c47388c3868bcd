import { Logger } from '@nestjs/common';
import { RequestEvents, refusalMessage } from '@dv/contracts';
import { type EventPublisher } from '../events/event-publisher';
import { type EarlyRefusal } from './serve-rpc';

const logger = new Logger('RequestRefusals');

/**
 * Publishes a request refused before its handler ran (ServeRpcOptions.recordRefusal) as
 * `RequestEvents.refused`: the caller as actor, its request id, the request subject as the entity,
 * so the audit log holds it. A failure is logged: the caller still gets its error.
 */
export function requestRefusalRecorder(publisher: EventPublisher): (refusal: EarlyRefusal) => Promise<void> {
  return async ({ def, identity, requestId, error }) => {
    const operation = def.audit?.operation ?? 'request';
    try {
      await publisher.publish(
        RequestEvents.refused,
        { operation, code: error.code, message: refusalMessage(error.message), rpc: def.subject },
        { actor: { id: identity.subjectId, type: identity.subjectType }, subject: def.subject, requestId },
      );
    } catch (publishError) {
      logger.warn(`the refusal of request ${requestId} on ${def.subject} was not recorded: ${publishError instanceof Error ? publishError.message : String(publishError)}`);
    }
  };
}

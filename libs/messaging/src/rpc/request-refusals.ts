import { RequestEvents } from '@dv/contracts';
import { type EventPublisher } from '../events/event-publisher';
import { type RpcDefinition } from '@dv/contracts';
import { type Refusal, RefusalRecorder } from '../refusals/refusal-recorder';
import { type EarlyRefusal } from './serve-rpc';

/**
 * Records a request refused before its handler ran (ServeRpcOptions.recordRefusal) through the one
 * RefusalRecorder, as `RequestEvents.refused`: the caller as actor, its request id, the request
 * subject as the entity, so the audit log holds it.
 */
/** The refusal of a request to `def` (an audited subject) that has no refused event of its own. */
export function requestRefusal(def: RpcDefinition): Refusal<typeof RequestEvents.refused> {
  return { event: RequestEvents.refused, data: { operation: def.audit?.operation ?? 'request', rpc: def.subject }, subject: def.subject };
}

export function requestRefusalRecorder(publisher: EventPublisher): (refusal: EarlyRefusal) => Promise<void> {
  const recorder = new RefusalRecorder(publisher);
  return ({ def, identity, requestId, error }) => recorder.record(error, identity, requestId, requestRefusal(def));
}

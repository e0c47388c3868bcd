import { DvError } from '@dv/contracts';

/** nats.js errors of a connection or server that is away for now (not of a bad request). */
const NATS_TRANSIENT = new Set(['TimeoutError', 'NoRespondersError', 'ClosedConnectionError', 'ConnectionError', 'RequestError', 'DrainingConnectionError']);
/** MongoDB driver errors of a server that cannot be reached for now. */
const MONGO_TRANSIENT = /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|PoolCleared|TopologyClosed)Error$/;
/** Node's socket errors. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * True when a handler failed for something that passes by itself: a precondition not met yet (a
 * replica behind a revision, a binding being removed: `UNAVAILABLE`), or a server that cannot be
 * reached. Such an event is valid and is retried until it succeeds, never dead-lettered. Anything
 * else is the event's own doing (or a bug) and is dead-lettered after the allowed deliveries.
 */
export function isTransientError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DvError) return e.code === 'UNAVAILABLE';
    if (NATS_TRANSIENT.has(e.name) || MONGO_TRANSIENT.test(e.name)) return true;
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  }
  return false;
}

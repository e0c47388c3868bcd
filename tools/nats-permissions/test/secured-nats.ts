import { SecuredNats } from '@dv/testing';
import { type NatsConnection, PermissionViolationError, RequestError } from '@nats-io/nats-core';

/**
 * nats-server with the committed config (deploy/nats/nats-server.conf: what the tests start is what
 * ships), a fresh random password per user and the streams made by the provisioner: the test bed's
 * `SecuredNats`, which every harness uses.
 */
export { SecuredNats };

/**
 * What became of a subscription the server may refuse: the PermissionViolationError it was closed
 * with, or 'open' when it still stands after a round trip. nats-server answers a refused SUB with its
 * -ERR before it answers the PING that follows, in order on the one connection: the flush's PONG is
 * the fence (no "a moment more" sleep), and a second flush lets the client settle the closed promise.
 */
export async function subscriptionOutcome(nc: NatsConnection, subject: string, queue?: string): Promise<PermissionViolationError | 'open'> {
  const sub = nc.subscribe(subject, queue !== undefined ? { queue } : {});
  await nc.flush();
  const closed = await Promise.race([sub.closed, nc.flush().then(() => 'open' as const)]);
  if (closed === 'open') {
    sub.unsubscribe();
    return 'open';
  }
  if (closed instanceof PermissionViolationError) return closed;
  throw new Error(`subscription to ${subject} closed without a permission violation: ${String(closed)}`);
}

/**
 * What a request on a subject meets: 'denied' (the server refused the publish), 'no-responders'
 * (allowed, nobody listens), or 'answered'.
 */
export async function publishOutcome(nc: NatsConnection, subject: string, body: unknown = {}): Promise<'denied' | 'no-responders' | 'answered'> {
  try {
    await nc.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeout: 3000 });
    return 'answered';
  } catch (error: unknown) {
    if (isPermissionViolation(error, subject)) return 'denied';
    if (error instanceof RequestError && error.isNoResponders()) return 'no-responders';
    throw error;
  }
}

function isPermissionViolation(error: unknown, subject: string): boolean {
  if (error instanceof PermissionViolationError) return error.subject === subject;
  return error instanceof Error && error.cause !== undefined && isPermissionViolation(error.cause, subject);
}

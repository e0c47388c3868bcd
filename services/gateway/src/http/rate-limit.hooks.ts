import { type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import { TokenBuckets } from './token-buckets';

export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests. Please try again later.';

/**
 * Per-client rate limits (token buckets in this replica's memory). The key is the verified caller
 * (`user:alice`) once the bearer hook has run, else the client IP (`ip:10.1.2.3`): unauthenticated
 * paths, and every request whose token was refused, are counted against the IP.
 *
 * - `beforeAuth` (before the bearer hook) refuses an IP whose bucket is empty without verifying
 *   anything, so a flood of forged tokens costs a map lookup each, not a signature check;
 * - `afterAuth` takes a token from the caller's bucket (or the IP's, when there is no caller);
 * - `onResponse` charges a 401 to the IP's bucket (the request never reached `afterAuth`).
 */
export class RateLimitHooks {
  private readonly buckets: TokenBuckets;

  constructor(options: { ratePerS: number; burst: number; maxClients: number }, now?: () => number) {
    this.buckets = new TokenBuckets(options, now);
  }

  // Callback hooks, not async ones: no promise and no extra turn per request (they run on every call).
  readonly beforeAuth = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const verdict = this.buckets.empty(ipKey(request));
    if (verdict.ok) done();
    else tooMany(reply, verdict.retryAfterMs);
  };

  readonly afterAuth = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const caller = request.dvIdentity;
    const verdict = this.buckets.take(caller === null ? ipKey(request) : `${caller.subjectType}:${caller.subjectId}`);
    if (verdict.ok) done();
    else tooMany(reply, verdict.retryAfterMs);
  };

  /** When the answer is sent (the gateway's onResponse hook). */
  readonly onResponse = (request: FastifyRequest, reply: FastifyReply): void => {
    if (reply.statusCode === 401 && request.dvIdentity === null) this.buckets.take(ipKey(request));
  };
}

function ipKey(request: FastifyRequest): string {
  return `ip:${request.ip}`;
}

/** The answer of a hook that refuses: sent, and the hook's `done` not called (Fastify's early reply). */
function tooMany(reply: FastifyReply, retryAfterMs: number): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  void reply
    .code(429)
    .header('retry-after', String(seconds))
    .send({ code: 429, message: TOO_MANY_REQUESTS_MESSAGE, details: { retryAfterSeconds: seconds } });
}

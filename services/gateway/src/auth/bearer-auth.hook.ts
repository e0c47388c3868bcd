import { type Identity } from '@dv/contracts';
import { type JsonLogger } from '@dv/telemetry';
import { type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import { UNAUTHENTICATED_MESSAGE, UNAVAILABLE_MESSAGE } from '../http/http-error';
import { type TokenOutcome, type TokenVerifier } from './token-verifier';

/** Every API path needs a bearer token but the public ones (the token endpoints); nothing else is served on this port. */
const API_PREFIX = '/api/';

/**
 * The resource server's door, as Fastify's first hook: before the body is read, a request to the API
 * without a valid bearer token is answered 401 (the same answer whatever check failed: the reason goes
 * to the log only), and the identity of a valid one is put on the request for the handlers. When the
 * provider's keys cannot be fetched for a token not seen before, the answer is 503: not the caller's fault.
 */
export function bearerAuthHook(
  verifier: TokenVerifier,
  logger: JsonLogger,
  isPublic: (request: FastifyRequest) => boolean = () => false,
  /**
   * Why a verified caller is refused all the same (for the log), or undefined: a disabled or deleted
   * service account, whose token the provider issued (and the cache may hold) before the change.
   */
  refusalOf: (identity: Identity) => string | undefined = () => undefined,
) {
  /** Lets the request on (`done`) with its caller, or answers it (an early answer: `done` is not called). */
  const settle = (outcome: TokenOutcome, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const refusal = outcome.ok ? refusalOf(outcome.identity) : undefined;
    if (outcome.ok && refusal === undefined) {
      request.dvIdentity = outcome.identity;
      return done();
    }
    if (!outcome.ok && outcome.refusal === 'keys-unavailable') {
      logger.warn('the identity provider key set is unavailable', { requestId: request.id });
      void reply.code(503).send({ code: 503, message: UNAVAILABLE_MESSAGE });
      return;
    }
    logger.debug('bearer token refused', { refusal: outcome.ok ? refusal : outcome.refusal, requestId: request.id });
    // RFC 6750: `error` only when a token was presented; which check failed is never said.
    const challenge = !outcome.ok && outcome.refusal === 'missing' ? 'Bearer realm="dv"' : 'Bearer realm="dv", error="invalid_token"';
    void reply.code(401).header('www-authenticate', challenge).send({ code: 401, message: UNAUTHENTICATED_MESSAGE });
  };
  // A callback hook: a cached token (nearly every request) is settled at once, without a promise.
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!request.url.startsWith(API_PREFIX)) return done();
    // The token endpoints and the API's description (descriptors with auth 'none'): no token.
    if (isPublic(request)) return done();
    const cached = verifier.cachedIdentityOf(request.headers.authorization);
    if (cached !== undefined) return settle({ ok: true, identity: cached }, request, reply, done);
    verifier.verifyHeader(request.headers.authorization).then(
      (outcome) => settle(outcome, request, reply, done),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

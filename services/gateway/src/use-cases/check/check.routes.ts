import { AuthzRpc, DvError, type Identity } from '@dv/contracts';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type CheckItemBody, checkBatchBodySchema, checkBodySchema } from '../../extensions/extension-bodies';
import { subjectOrCaller } from '../../extensions/caller-principal';
import { atLeastOf } from '../../http/revision-header';
import { JSON_TYPE, type ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';

function item(body: CheckItemBody, caller: Identity) {
  return { subject: subjectOrCaller(body.subject, caller), action: body.action, resourceType: body.resourceType, scope: body.scope };
}

function callerOf(request: FastifyRequest): Identity {
  // The bearer hook answers 401 before any handler runs; this is a second lock on the same door.
  if (request.dvIdentity === null) throw new DvError('UNAUTHENTICATED', 'no verified bearer token');
  return request.dvIdentity;
}

/**
 * `POST /api/dv/v1/check` and `/check-batch`: dv.authz.check with the explanation. About the caller
 * by default; about another subject only where authz lets the caller ask (access-rule read rights in
 * the scope, or a service account): the service's rule, kept.
 *
 * The hottest calls of the API, so plain Fastify routes rather than Nest controllers (Nest's pipeline
 * was a fixed cost per request beside a call that takes authz tens of µs): the same hooks (auth, rate
 * limit, CORS, headers, deadline, access log) run on them; registered after Nest's start (run-gateway.ts),
 * they have its parsers and its error handler, so a bad body or a thrown DvError is mapped and answered
 * by the same HttpErrorFilter as every controller's; their descriptors are the extension operations `check` and
 * `checkBatch` like every other route's (api/route-coverage.ts). The answer is authz's reply as it is
 * (validated there): its bytes are forwarded (docs/decisions/0033).
 */
export function registerCheckRoutes(fastify: FastifyInstance, calls: ServiceCalls): void {
  fastify.post('/api/dv/v1/check', async (request, reply) => {
    const caller = callerOf(request);
    const parsed = parseOrThrow(checkBodySchema, request.body);
    const decision = await calls.callForBytes(AuthzRpc.check, { ...item(parsed, caller), ...atLeastOf(request) }, caller, request);
    return reply.code(200).type(JSON_TYPE).send(decision);
  });

  fastify.post('/api/dv/v1/check-batch', async (request, reply) => {
    const caller = callerOf(request);
    const { checks } = parseOrThrow(checkBatchBodySchema, request.body);
    const decisions = await calls.callForBytes(AuthzRpc.checkBatch, { checks: checks.map((c) => item(c, caller)), ...atLeastOf(request) }, caller, request);
    return reply.code(200).type(JSON_TYPE).send(decisions);
  });
}

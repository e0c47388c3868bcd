import { DvError, type Identity } from '@dv/contracts';
import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, from the verified bearer token (the onRequest hook); null until then. */
    dvIdentity: Identity | null;
  }
}

/** The verified caller of an API call: a handler parameter (`@Caller() caller: Identity`). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => {
  const identity = ctx.switchToHttp().getRequest<FastifyRequest>().dvIdentity;
  // The hook answers 401 before any handler runs; this is a second lock on the same door.
  if (identity === null) throw new DvError('UNAUTHENTICATED', 'no verified bearer token');
  return identity;
});

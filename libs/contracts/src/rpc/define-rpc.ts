import { type z } from 'zod';

/**
 * A request/reply contract: the subject is tied at the type level to its request and reply schemas,
 * so a client sending the wrong body or a handler returning the wrong reply does not compile, and
 * both sides validate at runtime with the same schemas.
 */
export interface RpcDefinition<S extends string = string, Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'rpc';
  readonly subject: S;
  readonly request: Req;
  readonly reply: Res;
  readonly description: string;
}

export function defineRpc<const S extends string, Req extends z.ZodType, Res extends z.ZodType>(def: {
  subject: S;
  request: Req;
  reply: Res;
  description: string;
}): RpcDefinition<S, Req, Res> {
  return { kind: 'rpc', ...def };
}

/** What a caller passes (before defaults are applied). */
export type RpcRequestInput<D extends RpcDefinition> = z.input<D['request']>;
/** What a handler receives (validated, defaults applied). */
export type RpcRequest<D extends RpcDefinition> = z.output<D['request']>;
/** What a handler returns. */
export type RpcReplyInput<D extends RpcDefinition> = z.input<D['reply']>;
/** What a caller receives (validated). */
export type RpcReply<D extends RpcDefinition> = z.output<D['reply']>;

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
  /** Present when the subject's requests are audited (a write or a decision): see RpcAudit. */
  readonly audit?: RpcAudit;
}

/**
 * An audited subject: every request with a valid identity leaves one audit record, accepted or
 * refused. Its handler publishes the outcome (a change's event, or its refusal event); a request
 * refused before the handler runs (its body malformed) is published by the transport as
 * `RequestEvents.refused`, with this operation.
 */
export interface RpcAudit {
  /** The operation in the audit log's words (create, update, delete, admit, …). */
  readonly operation: string;
}

export function defineRpc<const S extends string, Req extends z.ZodType, Res extends z.ZodType>(def: {
  subject: S;
  request: Req;
  reply: Res;
  description: string;
  audit?: RpcAudit;
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

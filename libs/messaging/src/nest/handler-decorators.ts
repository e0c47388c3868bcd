import { type EventDefinition, type RpcDefinition, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { type EventHandlingContext } from '../events/event-context';
import { type EventHandlerFn } from '../events/consume-events';
import { type TypedEventData } from './typed-event-data';
import { type PublicRpcCallContext, type RpcCallContext } from '../rpc/rpc-context';

/** Where a handler's contract travels from its decorator to the transport (Nest's pattern extras). */
export const CONTRACT_EXTRA = 'dvContract';
/** Where a public handler's reason travels to the transport. */
export const PUBLIC_EXTRA = 'dvPublic';

type RpcMethod<D extends RpcDefinition, C extends PublicRpcCallContext> = (request: RpcRequest<D>, ctx: C) => Promise<RpcReplyInput<D>>;
type RpcMethodDecorator<D extends RpcDefinition, C extends PublicRpcCallContext> = <M extends RpcMethod<D, C>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void;

/** A handler answered without a caller says why (the lint rule rpc-handler-principal wants a reason). */
export interface PublicRpcOptions {
  public: string;
}

/**
 * Marks a controller method as the handler of an RPC contract. The method's request and reply
 * types are checked against the contract by the compiler; the transport validates both at runtime.
 * The transport resolves the caller before the handler runs (`ctx.principal`; a missing or group
 * caller is UNAUTHENTICATED), unless the handler is declared public with a reason, when
 * `ctx.principal` may be undefined.
 */
export function RpcHandler<D extends RpcDefinition>(def: D): RpcMethodDecorator<D, RpcCallContext>;
export function RpcHandler<D extends RpcDefinition>(def: D, options: PublicRpcOptions): RpcMethodDecorator<D, PublicRpcCallContext>;
export function RpcHandler<D extends RpcDefinition>(def: D, options?: PublicRpcOptions): RpcMethodDecorator<D, PublicRpcCallContext> {
  // The method type is inferred and checked against the contract: its parameter must accept the
  // request and the context (contravariance) and its result must be a valid reply.
  return (target, key, descriptor) => {
    MessagePattern(def.subject, { [CONTRACT_EXTRA]: def, ...(options ? { [PUBLIC_EXTRA]: options.public } : {}) })(target, key, descriptor);
    bindArguments(target, key);
  };
}

/**
 * Marks a controller method as the (idempotent) handler of an event contract. Its data parameter must
 * be the contract's data type: one taking `unknown` (or `any`) does not compile (TypedEventData).
 */
export function EventHandler<E extends EventDefinition>(def: E) {
  return <M extends EventHandlerFn<E>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M> & TypedEventData<M>): void => {
    EventPattern(def.type, { [CONTRACT_EXTRA]: def })(target, key, descriptor);
    bindArguments(target, key);
  };
}

/** Nest passes only the payload unless told otherwise; our handlers take (body, context). */
function bindArguments(target: object, key: string | symbol): void {
  Payload()(target, key, 0);
  Ctx()(target, key, 1);
}

export type { EventHandlingContext, PublicRpcCallContext, RpcCallContext };

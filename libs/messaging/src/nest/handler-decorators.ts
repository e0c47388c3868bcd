import { type EventDefinition, type RpcDefinition, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { type EventHandlingContext } from '../events/event-context';
import { type EventHandlerFn } from '../events/consume-events';
import { type TypedEventData } from './typed-event-data';
import { type RpcCallContext } from '../rpc/rpc-context';

/** Where a handler's contract travels from its decorator to the transport (Nest's pattern extras). */
export const CONTRACT_EXTRA = 'dvContract';

type RpcMethod<D extends RpcDefinition> = (request: RpcRequest<D>, ctx: RpcCallContext) => Promise<RpcReplyInput<D>>;

/**
 * Marks a controller method as the handler of an RPC contract. The method's request and reply
 * types are checked against the contract by the compiler; the transport validates both at runtime.
 */
export function RpcHandler<D extends RpcDefinition>(def: D) {
  // The method type is inferred and checked against the contract: its parameter must accept the
  // request (contravariance) and its result must be a valid reply.
  return <M extends RpcMethod<D>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    MessagePattern(def.subject, { [CONTRACT_EXTRA]: def })(target, key, descriptor);
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

export type { EventHandlingContext, RpcCallContext };

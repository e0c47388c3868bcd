import { type Principal } from '@dv/contracts';
import { type MsgHdrs } from '@nats-io/nats-core';

/** What a request handler knows about the request besides its body. */
export interface RpcCallContext {
  readonly subject: string;
  readonly requestId: string;
  /**
   * The caller, resolved once by the transport from the `dv-identity` header (callerPrincipal: never
   * a group). A handler authorizes with it and passes it on as the identity of the calls it makes.
   */
  readonly principal: Principal;
  readonly headers: MsgHdrs | undefined;
}

/**
 * The context of a handler declared public (`@RpcHandler(def, { public: reason })`): it is answered
 * without a caller; a caller that is given is still resolved by the same rule.
 */
export interface PublicRpcCallContext extends Omit<RpcCallContext, 'principal'> {
  readonly principal: Principal | undefined;
}

import { type Identity } from '@dv/contracts';
import { type MsgHdrs } from '@nats-io/nats-core';

/** What a request handler knows about the request besides its body. */
export interface RpcCallContext {
  readonly subject: string;
  readonly requestId: string;
  /** The caller, when the request carries an identity. */
  readonly identity: Identity | undefined;
  readonly headers: MsgHdrs | undefined;
}

import { type Identity, type RpcDefinition, type RpcReply, type RpcRequestInput } from '@dv/contracts';
import { RpcClient } from '@dv/messaging';
import { Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { atLeastRefusalNamed } from './revision-header';

/**
 * The gateway's calls to the services: as the verified caller (the `dv-identity` header), with the
 * HTTP request's id as the request id, so a call can be followed from the access log to the services,
 * and in the request's trace (its span is the parent of the call's: http/trace-context.hook.ts).
 */
@Injectable()
export class ServiceCalls {
  constructor(private readonly client: RpcClient) {}

  call<D extends RpcDefinition>(def: D, body: RpcRequestInput<D>, caller: Identity, request: FastifyRequest): Promise<RpcReply<D>> {
    return this.client
      .call(def, body, {
        identity: caller,
        requestId: request.id,
        ...(request.dvTraceContext !== null ? { traceContext: request.dvTraceContext } : {}),
      })
      .catch((error: unknown) => {
        throw atLeastRefusalNamed(error);
      });
  }
}

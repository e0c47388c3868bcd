import { type Identity, type RpcDefinition, type RpcReply, type RpcRequestInput } from '@dv/contracts';
import { type RpcCallOptions, RpcClient } from '@dv/messaging';
import { Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { atLeastRefusalNamed } from './revision-header';

/** The content type Fastify gives an object it serializes: a forwarded reply (callForBytes) is sent with the same. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The gateway's calls to the services: as the verified caller (the `dv-identity` header), with the
 * HTTP request's id as the request id, so a call can be followed from the access log to the services,
 * and in the request's trace (its span is the parent of the call's: http/trace-context.hook.ts).
 */
@Injectable()
export class ServiceCalls {
  constructor(private readonly client: RpcClient) {}

  call<D extends RpcDefinition>(def: D, body: RpcRequestInput<D>, caller: Identity, request: FastifyRequest): Promise<RpcReply<D>> {
    return this.client.call(def, body, callOptions(caller, request)).catch(refusal);
  }

  /** The reply's data as the service wrote it (JSON bytes), for an answer that is exactly that (RpcClient.callForBytes). */
  callForBytes<D extends RpcDefinition>(def: D, body: RpcRequestInput<D>, caller: Identity, request: FastifyRequest): Promise<Uint8Array> {
    return this.client.callForBytes(def, body, callOptions(caller, request)).catch(refusal);
  }
}

function callOptions(caller: Identity, request: FastifyRequest): RpcCallOptions {
  return {
    identity: caller,
    requestId: request.id,
    ...(request.dvTraceContext !== null ? { traceContext: request.dvTraceContext } : {}),
  };
}

function refusal(error: unknown): never {
  throw atLeastRefusalNamed(error);
}

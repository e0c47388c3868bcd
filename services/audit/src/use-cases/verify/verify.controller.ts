import { AuditRpc, DvError, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { NATS_CONNECTION, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { type ChainPoint } from '../../chain/chain-head';
import { verifyChain } from '../../chain/chain-verifier';
import { type AuditStore } from '../../store/audit-store';
import { lastRelayedRecord } from '../../relay/sealed-record-relay';
import { AUDIT_STORE } from '../../tokens';

/** verify: recompute a range of the chain and name the first bad record (optionally held to DV_AUDIT). */
@Controller()
export class VerifyController {
  constructor(
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly authorizer: ReaderAuthorizer,
  ) {}

  @RpcHandler(AuditRpc.verify)
  async verify(request: RpcRequest<typeof AuditRpc.verify>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.verify>> {
    await this.authorizer.requireReader(ctx.principal, ctx.requestId);
    let streamHead: ChainPoint | undefined;
    if (request.againstStream) {
      try {
        streamHead = await lastRelayedRecord(this.nc);
      } catch (error) {
        throw DvError.unavailable(`could not read the last record of DV_AUDIT: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return verifyChain(this.store.log, request, streamHead);
  }
}

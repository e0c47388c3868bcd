import { AuditRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { verifyChain } from '../../chain/chain-verifier';
import { type AuditCollections } from '../../records/audit-record.model';
import { AUDIT_COLLECTIONS } from '../../tokens';

/** verify: recompute a range of the chain and name the first bad record. */
@Controller()
export class VerifyController {
  constructor(
    @Inject(AUDIT_COLLECTIONS) private readonly c: AuditCollections,
    private readonly authorizer: ReaderAuthorizer,
  ) {}

  @RpcHandler(AuditRpc.verify)
  async verify(request: RpcRequest<typeof AuditRpc.verify>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.verify>> {
    await this.authorizer.requireReader(ctx);
    return verifyChain(this.c, request);
  }
}

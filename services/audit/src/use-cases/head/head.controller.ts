import { AuditRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { chainBase, readHead } from '../../chain/chain-head';
import { type AuditStore } from '../../store/audit-store';
import { AUDIT_STORE } from '../../tokens';

/** head: the last stored record's seq and hash, and the chain's base, for readers of the audit log. */
@Controller()
export class HeadController {
  constructor(
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
    private readonly authorizer: ReaderAuthorizer,
  ) {}

  @RpcHandler(AuditRpc.head)
  async head(_request: RpcRequest<typeof AuditRpc.head>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.head>> {
    await this.authorizer.requireReader(ctx.principal, ctx.requestId);
    const [head, base] = await Promise.all([readHead(this.store.log), chainBase(this.store.log.c)]);
    return { seq: head.seq, hash: head.hash, base };
  }
}

import { AuditRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { type AuditStore } from '../../store/audit-store';
import { AUDIT_STORE } from '../../tokens';
import { QueryRunner } from './run-query';

/** query: a time range (required), filters, search, sort and paging over the audit log. */
@Controller()
export class QueryController {
  private readonly runner: QueryRunner;

  constructor(
    @Inject(AUDIT_STORE) store: AuditStore,
    private readonly authorizer: ReaderAuthorizer,
  ) {
    this.runner = new QueryRunner(store);
  }

  @RpcHandler(AuditRpc.query)
  async query(request: RpcRequest<typeof AuditRpc.query>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.query>> {
    await this.authorizer.requireReader(ctx.principal, ctx.requestId);
    return this.runner.run(request);
  }
}

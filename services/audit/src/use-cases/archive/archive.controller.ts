import { AuditRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { AUDIT_ARCHIVER } from '../../tokens';
import { type Archiver } from './archiver';

/** archive: move records sealed before a time to a file, keeping the chain verifiable from its checkpoint. */
@Controller()
export class ArchiveController {
  constructor(
    @Inject(AUDIT_ARCHIVER) private readonly archiver: Archiver,
    private readonly authorizer: ReaderAuthorizer,
  ) {}

  @RpcHandler(AuditRpc.archive)
  async archive(request: RpcRequest<typeof AuditRpc.archive>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.archive>> {
    await this.authorizer.requireArchiver(ctx.principal, ctx.requestId);
    return this.archiver.archive(new Date(request.olderThan));
  }
}

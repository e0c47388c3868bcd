import { AuditRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { type AuditCollections, toAuditRecord } from '../../records/audit-record.model';
import { AUDIT_COLLECTIONS } from '../../tokens';
import { buildQueryFilter } from './build-query-filter';

/** query: a time range (required), filters, search, sort and paging over the audit log. */
@Controller()
export class QueryController {
  constructor(
    @Inject(AUDIT_COLLECTIONS) private readonly c: AuditCollections,
    private readonly authorizer: ReaderAuthorizer,
  ) {}

  @RpcHandler(AuditRpc.query)
  async query(request: RpcRequest<typeof AuditRpc.query>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.query>> {
    await this.authorizer.requireReader(ctx.principal, ctx.requestId);
    const filter = buildQueryFilter(request);
    const direction = request.sortOrder === 'desc' ? -1 : 1;
    const sortBy = request.sortBy ?? 'timestamp';
    // Ties keep chain order, so equal times come back in the order they were sealed.
    const sort: Record<string, 1 | -1> = sortBy === 'seq' ? { seq: direction } : { [sortBy]: direction, seq: direction };
    const [totalRecords, docs] = await Promise.all([
      this.c.records.countDocuments(filter),
      this.c.records.find(filter).sort(sort).skip(request.offset).limit(request.limit).toArray(),
    ]);
    return { totalRecords, records: docs.map(toAuditRecord) };
  }
}

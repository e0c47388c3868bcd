import { AuthzRpc, DvError } from '@dv/contracts';
import { type RpcCallContext, RpcClient } from '@dv/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit-config';

/** The catalog's resource type for the audit log (history of events). */
export const AUDIT_RESOURCE_TYPE = 'events-history';

/**
 * Deny by default: every audit request needs the caller's identity (UNAUTHENTICATED otherwise), and
 * authz must allow that caller `read` on `events-history` at the system scope (FORBIDDEN otherwise).
 */
@Injectable()
export class ReaderAuthorizer {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
  ) {}

  /**
   * Archiving removes records from the live log (they move to a file): the catalog grants no one
   * `delete` on events-history, so it is for service accounts (the operators' retention jobs) that
   * may read it.
   */
  async requireArchiver(ctx: RpcCallContext): Promise<void> {
    if (ctx.identity && ctx.identity.subjectType !== 'service-account') throw DvError.forbidden('only a service account may archive the audit log');
    await this.requireReader(ctx);
  }

  async requireReader(ctx: RpcCallContext): Promise<void> {
    const action = 'read';
    const identity = ctx.identity;
    if (!identity) throw new DvError('UNAUTHENTICATED', 'this request needs the caller identity (dv-identity header)');
    if (identity.subjectType === 'group') throw new DvError('UNAUTHENTICATED', 'a group cannot be a caller');
    const decision = await this.rpc.call(
      AuthzRpc.check,
      {
        subject: { subjectId: identity.subjectId, subjectType: identity.subjectType, groups: identity.groups },
        action,
        resourceType: AUDIT_RESOURCE_TYPE,
        scope: { scopeType: 'system', scopeId: 'system' },
      },
      { identity, requestId: ctx.requestId, timeoutMs: this.config.AUDIT_AUTHZ_TIMEOUT },
    );
    if (!decision.allowed) {
      throw DvError.forbidden(`${identity.subjectType} ${identity.subjectId} may not ${action} the audit log (${AUDIT_RESOURCE_TYPE} at system scope)`, {
        action,
        resourceType: AUDIT_RESOURCE_TYPE,
      });
    }
  }
}

import { AuthzRpc, DvError, type Principal } from '@dv/contracts';
import { RpcClient } from '@dv/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit-config';

/** The catalog's resource type for the audit log (history of events). */
export const AUDIT_RESOURCE_TYPE = 'events-history';

/**
 * Deny by default: every audit request has a caller (the transport refuses a request without one, or
 * with a group, as UNAUTHENTICATED), and authz must allow that caller `read` on `events-history` at
 * the system scope (FORBIDDEN otherwise).
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
  async requireArchiver(caller: Principal, requestId: string): Promise<void> {
    if (caller.subjectType !== 'service-account') throw DvError.forbidden('only a service account may archive the audit log');
    await this.requireReader(caller, requestId);
  }

  async requireReader(caller: Principal, requestId: string): Promise<void> {
    const action = 'read';
    const decision = await this.rpc.call(
      AuthzRpc.check,
      {
        subject: caller,
        action,
        resourceType: AUDIT_RESOURCE_TYPE,
        scope: { scopeType: 'system', scopeId: 'system' },
      },
      { identity: caller, requestId, timeoutMs: this.config.AUDIT_AUTHZ_TIMEOUT },
    );
    if (!decision.allowed) {
      throw DvError.forbidden(`${caller.subjectType} ${caller.subjectId} may not ${action} the audit log (${AUDIT_RESOURCE_TYPE} at system scope)`, {
        action,
        resourceType: AUDIT_RESOURCE_TYPE,
      });
    }
  }
}

import { type Action, AuthzRpc, DvError, type PermittedScopeSet, type Principal, type Revision, type ScopeRef } from '@dv/contracts';
import { RpcClient } from '@dv/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { VOLUME_CONFIG, type VolumeConfig } from '../config/volume-config';

/** Where a volume originates: its project and the scopes above it (a fallback when the project is gone). */
export interface VolumeOrigin {
  projectId: string;
  departmentId: string;
  clusterId: string;
}

/**
 * Authorizes volume requests by asking authz (deny by default): the caller needs the data volume
 * permission in a scope containing the origin project. The caller (the transport's principal) travels
 * along as the identity, so authz answers a question the caller may ask about itself.
 */
@Injectable()
export class VolumeAuthorizer {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
  ) {}

  /**
   * FORBIDDEN unless the caller may do `action` on data volumes in the origin project. When authz no
   * longer knows the project (deleted), the department and then the cluster are asked: they contain
   * it, so a right there still covers the volume (to delete a volume of a deleted project, say).
   * With `liveProjectOnly` (a create: nothing may be made in a project that is gone, or under a scope
   * that is) a project authz does not know is NOT_FOUND, never checked higher up.
   */
  async require(caller: Principal, action: Action, origin: VolumeOrigin, atLeast?: Revision, options: { liveProjectOnly?: boolean } = {}): Promise<void> {
    const project: ScopeRef = { scopeType: 'project', scopeId: origin.projectId };
    const scopes: ScopeRef[] = options.liveProjectOnly
      ? [project]
      : [project, { scopeType: 'department', scopeId: origin.departmentId }, { scopeType: 'cluster', scopeId: origin.clusterId }];
    for (const scope of scopes) {
      let allowed: boolean;
      let message: string;
      try {
        const decision = await this.rpc.call(
          AuthzRpc.check,
          { subject: caller, action, resourceType: 'datavolumes', scope, ...(atLeast ? { atLeast } : {}) },
          { identity: caller, timeoutMs: this.config.VOLUME_AUTHZ_TIMEOUT_MS },
        );
        allowed = decision.allowed;
        message = decision.message;
      } catch (error) {
        if (error instanceof DvError && error.code === 'NOT_FOUND') {
          if (options.liveProjectOnly) throw DvError.notFound(`project ${origin.projectId} does not exist`, { projectId: origin.projectId });
          continue;
        }
        throw error;
      }
      if (allowed) return;
      throw DvError.forbidden(message, { action, resourceType: 'datavolumes', scopeType: scope.scopeType, scopeId: scope.scopeId });
    }
    throw DvError.forbidden(`no scope containing project ${origin.projectId} is known to authz`, { action, resourceType: 'datavolumes' });
  }

  /** Where the caller may read data volumes (the scope sets of authz). */
  async readableScopes(caller: Principal, atLeast?: Revision): Promise<PermittedScopeSet | undefined> {
    const reply = await this.rpc.call(
      AuthzRpc.permittedScopes,
      { subject: caller, resourceType: 'datavolumes', action: 'read', ...(atLeast ? { atLeast } : {}) },
      { identity: caller, timeoutMs: this.config.VOLUME_AUTHZ_TIMEOUT_MS },
    );
    return reply.read;
  }
}

import { type RpcReplyInput, type RpcRequest, VolumeRpc } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller } from '@nestjs/common';
import { VolumeAuthorizer } from '../../authorization/volume-authorizer';
import { VolumeKube } from '../../kube/volume-kube';
import { LiveProjects } from '../../projects/live-projects';

/**
 * The PVC picker of "create a volume": the Bound PVCs of a live project's namespace, authorized
 * exactly like create (datavolumes create on the project itself), so whoever sees the list may use it
 * and nobody else learns the namespace's claims.
 */
@Controller()
export class OriginPvcsController {
  constructor(
    private readonly authorizer: VolumeAuthorizer,
    private readonly projects: LiveProjects,
    private readonly kube: VolumeKube,
  ) {}

  @RpcHandler(VolumeRpc.originPvcs)
  async originPvcs(request: RpcRequest<typeof VolumeRpc.originPvcs>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.originPvcs>> {
    const project = await this.projects.require(request.projectId, request.atLeast);
    const atLeast = { ...request.atLeast, platform: Math.max(request.atLeast?.platform ?? 0, this.projects.platformRevision()) };
    await this.authorizer.require(
      ctx.principal,
      'create',
      { projectId: project._id, departmentId: project.departmentId, clusterId: project.clusterId },
      atLeast,
      { liveProjectOnly: true },
    );
    return { projectId: project._id, namespace: project.namespace, pvcs: await this.kube.boundClaims(project.namespace) };
  }
}

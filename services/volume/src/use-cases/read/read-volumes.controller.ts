import { DvError, type RpcReplyInput, type RpcRequest, SharingRpc, VolumeRpc } from '@dv/contracts';
import { RpcClient, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { type Model } from 'mongoose';
import { VolumeAuthorizer } from '../../authorization/volume-authorizer';
import { type VolumeSelector, selectorOfScopeSet, selectorOfUsable } from '../../listing/volume-query';
import { VolumeSync } from '../../listing/volume-sync';
import { ProjectDirectory } from '../../projects/project-directory';
import { SharedScopesReader } from '../../sharing/shared-scopes';
import { VOLUME_MODEL } from '../../tokens';
import { type VolumeDoc, nameKeyOf, toDataVolume } from '../../volumes/volume.model';

type ListRequest = RpcRequest<typeof VolumeRpc.list>;

/**
 * get, list, count and name availability. get and name availability read MongoDB (the source of
 * truth); list and count answer from this replica's read model (VolumeSync), after authorization and
 * after waiting for the caller's `atLeast`.
 */
@Controller()
export class ReadVolumesController {
  constructor(
    @Inject(VOLUME_MODEL) private readonly model: Model<VolumeDoc>,
    private readonly authorizer: VolumeAuthorizer,
    private readonly projects: ProjectDirectory,
    private readonly rpc: RpcClient,
    private readonly sharedScopes: SharedScopesReader,
    private readonly sync: VolumeSync,
  ) {}

  @RpcHandler(VolumeRpc.get)
  async get(request: RpcRequest<typeof VolumeRpc.get>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.get>> {
    const caller = this.authorizer.caller(ctx);
    const doc = await this.model.findById(request.id, { outbox: 0 }).lean<VolumeDoc>().exec();
    if (!doc) throw DvError.notFound(`data volume ${request.id} does not exist`, { id: request.id });
    await this.authorizer.require(caller, 'read', doc, request.atLeast);
    const [volume] = await this.sharedScopes.fill([toDataVolume(doc)], ctx, request.atLeast);
    if (!volume) throw DvError.notFound(`data volume ${request.id} does not exist`, { id: request.id });
    return volume;
  }

  @RpcHandler(VolumeRpc.list)
  async list(request: ListRequest, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.list>> {
    const selector = await this.selectorOf(request, ctx);
    await this.sync.reached(request.atLeast);
    const { total, page } = this.sync.volumes.query(selector, request);
    const next = request.offset + page.length < total ? request.offset + page.length : undefined;
    const datavolumes = await this.sharedScopes.fill(page, ctx, request.atLeast);
    return { ...(next !== undefined ? { next } : {}), totalRecords: total, datavolumes };
  }

  @RpcHandler(VolumeRpc.count)
  async count(request: ListRequest, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.count>> {
    const selector = await this.selectorOf(request, ctx);
    await this.sync.reached(request.atLeast);
    return { count: this.sync.volumes.count(selector, request.filterBy, request.search) };
  }

  @RpcHandler(VolumeRpc.nameAvailability)
  async nameAvailability(request: RpcRequest<typeof VolumeRpc.nameAvailability>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.nameAvailability>> {
    this.authorizer.caller(ctx);
    if (await this.model.exists({ nameKey: nameKeyOf(request.clusterId, request.name) })) {
      throw DvError.conflict(`a data volume named ${request.name} already exists in cluster ${request.clusterId}`, { name: request.name, clusterId: request.clusterId });
    }
    return { available: true };
  }

  /** Which volumes the caller may list: authorized exactly as before the read model (project check, or permitted scopes). */
  private async selectorOf(request: ListRequest, ctx: RpcCallContext): Promise<VolumeSelector> {
    const caller = this.authorizer.caller(ctx);
    if (request.requestType === 'UsableInProject') {
      const projectId = request.usableInProjectId ?? '';
      const project = await this.projects.require(projectId);
      // Usable in P: the caller may read data volumes in P, and the volume originates in P or is
      // shared with P or a scope above it (the sharing service answers from memory).
      await this.authorizer.require(caller, 'read', { projectId, departmentId: project.departmentId, clusterId: project.clusterId }, request.atLeast);
      const { volumeIds } = await this.rpc.call(
        SharingRpc.usableVolumes,
        { projectId, ...(request.atLeast ? { atLeast: request.atLeast } : {}) },
        { ...(ctx.identity ? { identity: ctx.identity } : {}), requestId: ctx.requestId },
      );
      return selectorOfUsable(projectId, volumeIds);
    }
    const readable = await this.authorizer.readableScopes(caller, request.atLeast);
    return selectorOfScopeSet(readable, await this.projects.clustersOfTenants(readable?.tenants ?? []));
  }
}

import { DvError, type RpcReplyInput, type RpcRequest, SharingRpc, VolumeRpc } from '@dv/contracts';
import { RpcClient, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { type Model, type SortOrder } from 'mongoose';
import { VolumeAuthorizer } from '../../authorization/volume-authorizer';
import { FIELD_PATHS, type MongoFilter, listFilterToMongo, scopeSetToMongo } from '../../listing/volume-list-filter';
import { ProjectDirectory } from '../../projects/project-directory';
import { SharedScopesReader } from '../../sharing/shared-scopes';
import { VOLUME_MODEL } from '../../tokens';
import { type VolumeDoc, nameKeyOf, toDataVolume } from '../../volumes/volume.model';

type ListRequest = RpcRequest<typeof VolumeRpc.list>;

/** get, list, count and name availability. */
@Controller()
export class ReadVolumesController {
  constructor(
    @Inject(VOLUME_MODEL) private readonly model: Model<VolumeDoc>,
    private readonly authorizer: VolumeAuthorizer,
    private readonly projects: ProjectDirectory,
    private readonly rpc: RpcClient,
    private readonly sharedScopes: SharedScopesReader,
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
    const filter = await this.filterOf(request, ctx);
    const sort: Record<string, SortOrder> = request.sortBy ? { [FIELD_PATHS[request.sortBy]]: request.sortOrder === 'desc' ? -1 : 1, _id: 1 } : { createdAt: 1, _id: 1 };
    const [docs, total] = await Promise.all([
      this.model.find(filter, { outbox: 0 }).sort(sort).skip(request.offset).limit(request.limit).lean<VolumeDoc[]>().exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    const next = request.offset + docs.length < total ? request.offset + docs.length : undefined;
    const datavolumes = await this.sharedScopes.fill(
      docs.map((d) => toDataVolume(d)),
      ctx,
      request.atLeast,
    );
    return { ...(next !== undefined ? { next } : {}), totalRecords: total, datavolumes };
  }

  @RpcHandler(VolumeRpc.count)
  async count(request: ListRequest, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.count>> {
    return { count: await this.model.countDocuments(await this.filterOf(request, ctx)).exec() };
  }

  @RpcHandler(VolumeRpc.nameAvailability)
  async nameAvailability(request: RpcRequest<typeof VolumeRpc.nameAvailability>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.nameAvailability>> {
    this.authorizer.caller(ctx);
    if (await this.model.exists({ nameKey: nameKeyOf(request.clusterId, request.name) })) {
      throw DvError.conflict(`a data volume named ${request.name} already exists in cluster ${request.clusterId}`, { name: request.name, clusterId: request.clusterId });
    }
    return { available: true };
  }

  private async filterOf(request: ListRequest, ctx: RpcCallContext): Promise<MongoFilter> {
    const caller = this.authorizer.caller(ctx);
    let base: MongoFilter;
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
      base = volumeIds.length > 0 ? { $or: [{ projectId }, { _id: { $in: volumeIds } }] } : { projectId };
    } else {
      const readable = await this.authorizer.readableScopes(caller, request.atLeast);
      base = scopeSetToMongo(readable, await this.projects.clustersOfTenants(readable?.tenants ?? []));
    }
    return listFilterToMongo(base, request.filterBy, request.search);
  }
}

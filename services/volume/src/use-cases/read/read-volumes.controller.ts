import { DvError, type Principal, type Revision, type RpcReplyInput, type RpcRequest, VolumeRpc } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { VOLUME_CONFIG, type VolumeConfig } from '../../config/volume-config';
import { nameInUse } from '../../volumes/name-in-use';
import { VolumeAuthorizer } from '../../authorization/volume-authorizer';
import { type VolumeSelector, selectorOfScopeSet, selectorOfUsable } from '../../listing/volume-query';
import { VolumeSync } from '../../listing/volume-sync';
import { LiveProjects } from '../../projects/live-projects';
import { SharedScopesReader } from '../../sharing/shared-scopes';
import { nameKeyOf } from '../../volumes/volume.model';
import { VolumeRepository } from '../../volumes/volume.repository';

type ListRequest = RpcRequest<typeof VolumeRpc.list>;

/**
 * get, list, count and name availability. get, list and count answer from this replica's read model
 * (VolumeSync: the volumes, their sharing lists and the org's scopes), after authorization and after
 * waiting for the caller's `atLeast` or, without one, for the domain stream's head as it was when
 * the request came (read-your-writes on any replica); a project this replica does not know yet waits
 * for the platform stream's head before it is NOT_FOUND. That revision goes along to authz and
 * sharing too, so their answers are as fresh. get and list agree, and neither needs the MongoDB-wire
 * server. Name availability reads MongoDB (the unique index is the truth).
 */
@Controller()
export class ReadVolumesController {
  constructor(
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
    private readonly volumes: VolumeRepository,
    private readonly authorizer: VolumeAuthorizer,
    private readonly projects: LiveProjects,
    private readonly sharedScopes: SharedScopesReader,
    private readonly sync: VolumeSync,
  ) {}

  @RpcHandler(VolumeRpc.get)
  async get(request: RpcRequest<typeof VolumeRpc.get>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.get>> {
    const caller = ctx.principal;
    const atLeast = await this.sync.revisionFor(request.atLeast);
    await this.sync.reached(atLeast);
    const found = this.sync.volumes.get(request.id);
    if (!found) throw DvError.notFound(`data volume ${request.id} does not exist`, { id: request.id });
    await this.authorizer.require(caller, 'read', found, atLeast);
    const [volume] = await this.sharedScopes.fill([found], caller, ctx.requestId, atLeast);
    if (!volume) throw DvError.notFound(`data volume ${request.id} does not exist`, { id: request.id });
    return volume;
  }

  @RpcHandler(VolumeRpc.list)
  async list(request: ListRequest, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.list>> {
    const atLeast = await this.sync.revisionFor(request.atLeast);
    const [selector] = await Promise.all([this.selectorOf(request, ctx.principal, atLeast), this.sync.reached(atLeast)]);
    const { total, page } = this.sync.volumes.query(selector, request);
    const next = request.offset + page.length < total ? request.offset + page.length : undefined;
    const datavolumes = await this.sharedScopes.fill(page, ctx.principal, ctx.requestId, atLeast);
    return { ...(next !== undefined ? { next } : {}), totalRecords: total, datavolumes };
  }

  /**
   * The same page as `list`, in the public API's shape: the gateway forwards these bytes as its answer
   * (docs/decisions/0033). The public list shows no sharing lists, so the sharing service is not asked.
   */
  @RpcHandler(VolumeRpc.listPage)
  async listPage(request: ListRequest, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.listPage>> {
    const atLeast = await this.sync.revisionFor(request.atLeast);
    const [selector] = await Promise.all([this.selectorOf(request, ctx.principal, atLeast), this.sync.reached(atLeast)]);
    const { total, page } = this.sync.volumes.query(selector, request);
    const next = request.offset + page.length < total ? request.offset + page.length : undefined;
    const datavolumes = page.map(({ namespace: _namespace, storage: _storage, version: _version, sharedScopes: _sharedScopes, ...shown }) => shown);
    return next === undefined ? { datavolumes } : { next, datavolumes };
  }

  @RpcHandler(VolumeRpc.count)
  async count(request: ListRequest, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.count>> {
    const atLeast = await this.sync.revisionFor(request.atLeast);
    const [selector] = await Promise.all([this.selectorOf(request, ctx.principal, atLeast), this.sync.reached(atLeast)]);
    return { count: this.sync.volumes.count(selector, request.filterBy, request.search) };
  }

  @RpcHandler(VolumeRpc.nameAvailability)
  async nameAvailability(
    request: RpcRequest<typeof VolumeRpc.nameAvailability>,
    ctx: RpcCallContext,
  ): Promise<RpcReplyInput<typeof VolumeRpc.nameAvailability>> {
    // Any caller may ask (the transport has resolved one): a name is no secret within a cluster.
    void ctx.principal;
    if (await nameInUse(this.volumes, nameKeyOf(request.clusterId, request.name), this.config.VOLUME_REVISION_WAIT_MS)) {
      throw DvError.conflict(`a data volume named ${request.name} already exists in cluster ${request.clusterId}`, {
        name: request.name,
        clusterId: request.clusterId,
      });
    }
    return { available: true };
  }

  /** Which volumes the caller may list: the project check and what is usable there, or the permitted scopes. */
  private async selectorOf(request: ListRequest, caller: Principal, atLeast: Revision): Promise<VolumeSelector> {
    if (request.requestType === 'UsableInProject') {
      const projectId = request.usableInProjectId ?? '';
      const project = await this.projects.require(projectId, atLeast);
      // Usable in P: the caller may read data volumes in P, and the volume originates in P or is
      // shared with P, its department or its cluster (the read model follows the sharing events;
      // the sharing service's resolve answers the same question from the same events).
      const origin = { projectId, departmentId: project.departmentId, clusterId: project.clusterId };
      await this.authorizer.require(caller, 'read', origin, { ...atLeast, platform: Math.max(atLeast.platform ?? 0, this.projects.platformRevision()) });
      return selectorOfUsable(origin);
    }
    const readable = await this.authorizer.readableScopes(caller, atLeast);
    return selectorOfScopeSet(readable, this.projects.clustersOfTenants(readable?.tenants ?? []));
  }
}

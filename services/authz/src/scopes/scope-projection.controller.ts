import { type EventHandlingContext, EventHandler } from '@dv/messaging';
import { upsertIfNewer } from '@dv/persistence';
import { OrgEvents } from '@dv/contracts';
import { Controller, Inject } from '@nestjs/common';
import { type Model } from 'mongoose';
import { SCOPE_MODEL } from '../tokens';
import { scopeChangeOf } from '@dv/org';
import { scopeDocOf } from './scope-doc';
import { type ScopeDoc } from './scope.model';

/**
 * Persists the scope projection (one durable consumer shared by the replicas), versioned by stream
 * sequence, so a replica that starts later loads it as its snapshot. Each replica's memory is
 * kept by AuthzSync.
 */
@Controller()
export class ScopeProjectionController {
  constructor(@Inject(SCOPE_MODEL) private readonly scopes: Model<ScopeDoc>) {}

  private async project(type: string, data: unknown, ctx: EventHandlingContext): Promise<void> {
    const change = scopeChangeOf(type, data, ctx.streamSequence);
    if (change) await upsertIfNewer(this.scopes, scopeDocOf(change));
  }

  @EventHandler(OrgEvents.tenant.created) async tenantCreated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.tenant.updated) async tenantUpdated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.tenant.deleted) async tenantDeleted(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.cluster.created) async clusterCreated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.cluster.updated) async clusterUpdated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.cluster.deleted) async clusterDeleted(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.department.created) async departmentCreated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.department.updated) async departmentUpdated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.department.deleted) async departmentDeleted(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.project.created) async projectCreated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.project.updated) async projectUpdated(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
  @EventHandler(OrgEvents.project.deleted) async projectDeleted(d: unknown, c: EventHandlingContext) { await this.project(c.subject, d, c); }
}

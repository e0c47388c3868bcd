import { type EventHandlingContext, EventHandler } from '@dv/messaging';
import { isDuplicateKeyError, upsertIfNewer } from '@dv/persistence';
import { type EventData, OrgEvents } from '@dv/contracts';
import { Controller, Inject } from '@nestjs/common';
import { type Model, type QueryFilter } from 'mongoose';
import { RuleRetirement } from '../rules/rule-retirement';
import { SCOPE_MODEL } from '../tokens';
import { type ScopeEvent, scopeChangeOf, scopeEvent } from '@dv/org';
import { scopeDocOf } from './scope-doc';
import { type ScopeDoc, scopeKey } from './scope.model';

/**
 * Persists the scope projection (one durable consumer shared by the replicas), versioned by stream
 * sequence, so a replica that starts later loads it as its snapshot. Each replica's memory is
 * kept by AuthzSync. A deletion also retires the access rules at the scope and below.
 */
@Controller()
export class ScopeProjectionController {
  constructor(
    @Inject(SCOPE_MODEL) private readonly scopes: Model<ScopeDoc>,
    private readonly retirement: RuleRetirement,
  ) {}

  private async project(event: ScopeEvent, ctx: EventHandlingContext): Promise<void> {
    const change = scopeChangeOf(event, ctx.streamSequence);
    if (change.kind === 'upsert') {
      await upsertIfNewer(this.scopes, scopeDocOf(change));
      return;
    }
    // A tombstone keeps the name and the parent the scope had (see scopeDocOf). Retiring comes
    // after, and is idempotent: a redelivery re-runs it and finds nothing left.
    const _id = scopeKey(change.type, change.id);
    await this.scopes
      .updateOne(
        { _id, version: { $lt: change.version } } as QueryFilter<ScopeDoc>,
        { $set: { deleted: true, version: change.version }, $setOnInsert: { type: change.type, id: change.id, name: change.id, parentType: null, parentId: null } },
        { upsert: true },
      )
      .exec()
      .catch((error: unknown) => {
        // A stored tombstone or newer state collided with the upsert: already projected.
        if (!isDuplicateKeyError(error)) throw error;
      });
    await this.retirement.retireUnder(change.type, change.id, change.version);
  }

  @EventHandler(OrgEvents.tenant.created)
  async tenantCreated(data: EventData<typeof OrgEvents.tenant.created>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.tenant.created, data), ctx);
  }

  @EventHandler(OrgEvents.tenant.updated)
  async tenantUpdated(data: EventData<typeof OrgEvents.tenant.updated>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.tenant.updated, data), ctx);
  }

  @EventHandler(OrgEvents.tenant.deleted)
  async tenantDeleted(data: EventData<typeof OrgEvents.tenant.deleted>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.tenant.deleted, data), ctx);
  }

  @EventHandler(OrgEvents.cluster.created)
  async clusterCreated(data: EventData<typeof OrgEvents.cluster.created>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.cluster.created, data), ctx);
  }

  @EventHandler(OrgEvents.cluster.updated)
  async clusterUpdated(data: EventData<typeof OrgEvents.cluster.updated>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.cluster.updated, data), ctx);
  }

  @EventHandler(OrgEvents.cluster.deleted)
  async clusterDeleted(data: EventData<typeof OrgEvents.cluster.deleted>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.cluster.deleted, data), ctx);
  }

  @EventHandler(OrgEvents.department.created)
  async departmentCreated(data: EventData<typeof OrgEvents.department.created>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.department.created, data), ctx);
  }

  @EventHandler(OrgEvents.department.updated)
  async departmentUpdated(data: EventData<typeof OrgEvents.department.updated>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.department.updated, data), ctx);
  }

  @EventHandler(OrgEvents.department.deleted)
  async departmentDeleted(data: EventData<typeof OrgEvents.department.deleted>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.department.deleted, data), ctx);
  }

  @EventHandler(OrgEvents.project.created)
  async projectCreated(data: EventData<typeof OrgEvents.project.created>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.project.created, data), ctx);
  }

  @EventHandler(OrgEvents.project.updated)
  async projectUpdated(data: EventData<typeof OrgEvents.project.updated>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.project.updated, data), ctx);
  }

  @EventHandler(OrgEvents.project.deleted)
  async projectDeleted(data: EventData<typeof OrgEvents.project.deleted>, ctx: EventHandlingContext): Promise<void> {
    await this.project(scopeEvent(OrgEvents.project.deleted, data), ctx);
  }
}

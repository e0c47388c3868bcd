import { type EventHandlingContext, EventHandler } from '@dv/messaging';
import { type EventData, OrgEvents } from '@dv/contracts';
import { Controller } from '@nestjs/common';
import { RuleRetirement } from '../rules/rule-retirement';
import { type ScopeEvent, scopeChangeOf, scopeEvent } from '@dv/org';
import { scopeDocOf } from './scope-doc';
import { ScopeRepository } from './scope.repository';

/**
 * Persists the scope projection (one durable consumer shared by the replicas), versioned by stream
 * sequence, so a replica that starts later loads it as its snapshot. Each replica's memory is
 * kept by AuthzSync. A deletion also retires the access rules at the scope and below.
 */
@Controller()
export class ScopeProjectionController {
  constructor(
    private readonly scopes: ScopeRepository,
    private readonly retirement: RuleRetirement,
  ) {}

  private async project(event: ScopeEvent, ctx: EventHandlingContext): Promise<void> {
    const change = scopeChangeOf(event, ctx.streamSequence);
    if (change.kind === 'upsert') {
      await this.scopes.upsertIfNewer(scopeDocOf(change));
      return;
    }
    // A tombstone keeps the name and the parent the scope had (see scopeDocOf). Retiring comes
    // after, and is idempotent: a redelivery re-runs it and finds nothing left.
    await this.scopes.markDeleted(change.type, change.id, change.version);
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

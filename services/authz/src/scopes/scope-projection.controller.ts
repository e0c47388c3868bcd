import { type EventHandlingContext, EventHandler } from '@dv/messaging';
import { OrgEvents } from '@dv/contracts';
import { Controller } from '@nestjs/common';
import { RuleRetirement } from '../rules/rule-retirement';
import { scopeChangeOf } from '@dv/org';
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

  private async project(type: string, data: unknown, ctx: EventHandlingContext): Promise<void> {
    const change = scopeChangeOf(type, data, ctx.streamSequence);
    if (!change) return;
    if (change.kind === 'upsert') {
      await this.scopes.upsertIfNewer(scopeDocOf(change));
      return;
    }
    // A tombstone keeps the name and the parent the scope had (see scopeDocOf). Retiring comes
    // after, and is idempotent: a redelivery re-runs it and finds nothing left.
    await this.scopes.markDeleted(change.type, change.id, change.version);
    await this.retirement.retireUnder(change.type, change.id, change.version);
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

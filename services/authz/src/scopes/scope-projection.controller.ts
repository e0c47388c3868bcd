import { type EventHandlingContext, EventHandler } from '@dv/messaging';
import { isDuplicateKeyError, upsertIfNewer } from '@dv/persistence';
import { OrgEvents } from '@dv/contracts';
import { Controller, Inject } from '@nestjs/common';
import { type Model, type QueryFilter } from 'mongoose';
import { RuleRetirement } from '../rules/rule-retirement';
import { SCOPE_MODEL } from '../tokens';
import { scopeChangeOf } from '@dv/org';
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

  private async project(type: string, data: unknown, ctx: EventHandlingContext): Promise<void> {
    const change = scopeChangeOf(type, data, ctx.streamSequence);
    if (!change) return;
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

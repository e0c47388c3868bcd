import { AuthzEvents } from '@dv/contracts';
import { NATS_CONNECTION, type ProjectionFeed, StreamProjection, type AppliedRevision } from '@dv/messaging';
import { SCOPE_EVENT_TYPES, applyScopeEvent } from '@dv/org';
import { MetricsRegistry } from '@dv/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { AUTHZ_CONFIG, type AuthzConfig } from '../config/authz-config';
import { toAccessRule } from '../rules/access-rule.model';
import { AccessRuleRepository } from '../rules/access-rule.repository';
import { ScopeRepository } from '../scopes/scope.repository';
import { AuthzState } from './authz-state';

/** The domain events authz reads: the access rules. */
const RULE_EVENTS = new Set<string>([AuthzEvents.accessRuleCreated.type, AuthzEvents.accessRuleDeleted.type]);

/** The durable consumer that persists the scope projection (shared by all replicas). */
export const PROJECTION_CONSUMER = 'authz';

/**
 * Keeps this replica's in-memory state current. At start: a snapshot from MongoDB (the rules, taken
 * after the domain stream's head was read, and the scope projection up to the projection consumer's
 * ack floor), then an ordered consumer per stream from just after the snapshot. Every event is
 * applied only if newer, so the overlap is harmless. Every replica sees every event: that is what
 * keeps replicas consistent. Readiness and start-up (caught up with the streams' heads at start,
 * the snapshot included): StreamProjection.
 */
@Injectable()
export class AuthzSync extends StreamProjection {
  constructor(
    private readonly state: AuthzState,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(AUTHZ_CONFIG) config: AuthzConfig,
    private readonly rules: AccessRuleRepository,
    private readonly scopes: ScopeRepository,
    metrics: MetricsRegistry,
  ) {
    super(nc, { service: 'authz', revisions: state.revisions, catchUpMs: config.AUTHZ_CATCH_UP_MS, metrics });
  }

  protected async feeds(heads: AppliedRevision): Promise<readonly ProjectionFeed[]> {
    // The rules are read after the domain stream's head: every rule event up to it is in the snapshot.
    const domainSeq = heads.events;
    const platformFloor = await this.ackFloor('platform', PROJECTION_CONSUMER);
    const started = Date.now();
    for (const doc of await this.rules.all()) this.state.applyRule(toAccessRule(doc), doc.version);
    await this.loadScopes(platformFloor);
    this.state.revisions.markApplied('events', domainSeq);
    this.state.revisions.markApplied('platform', platformFloor);
    this.logger.log(
      `snapshot: ${this.state.index.active} active rules, ${this.state.tree.count()} scopes in ${Date.now() - started} ms; following from events #${domainSeq + 1}, platform #${platformFloor + 1}`,
    );
    return [
      // Every domain event moves the revision (a revision may be any event's sequence); only the access rules are read.
      {
        stream: 'events',
        startSeq: domainSeq + 1,
        types: RULE_EVENTS,
        apply: (envelope) => {
          const rule = AuthzEvents.accessRuleCreated.data.parse(envelope.data);
          this.state.applyRule(rule, envelope.aggregateversion ?? (rule.status === 'deleted' ? 2 : 1));
        },
      },
      { stream: 'platform', startSeq: platformFloor + 1, types: SCOPE_EVENT_TYPES, apply: (envelope, seq) => applyScopeEvent(this.state.tree, envelope, seq) },
    ];
  }

  protected sizes(): Record<string, number> {
    return { 'active rules': this.state.index.active, scopes: this.state.tree.count() };
  }

  /** The scope projection up to its consumer's ack floor, tombstones where they were. */
  private async loadScopes(platformFloor: number): Promise<void> {
    const scopeDocs = await this.scopes.upTo(platformFloor);
    // Parents before children is not needed: the tree links placeholders; order by version keeps moves right.
    scopeDocs.sort((a, b) => a.version - b.version);
    for (const doc of scopeDocs) {
      if (doc.parentType && doc.parentId) {
        // A tombstone is restored where it was (deleted: true), so this replica decides about it as the others do.
        this.state.upsertScope({
          type: doc.type,
          id: doc.id,
          name: doc.name,
          parent: { scopeType: doc.parentType, scopeId: doc.parentId },
          version: doc.version,
          ...(doc.namespace !== undefined ? { namespace: doc.namespace } : {}),
          ...(doc.deleted ? { deleted: true } : {}),
        });
      } else if (doc.deleted) {
        this.state.tree.remove(doc.type, doc.id, doc.version);
      }
    }
  }
}

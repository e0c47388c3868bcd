import { type AccessRule, AuthzEvents, STREAMS } from '@dv/contracts';
import { NATS_CONNECTION, type StreamFollower, followStream } from '@dv/messaging';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { toAccessRule } from '../rules/access-rule.model';
import { AccessRuleRepository } from '../rules/access-rule.repository';
import { scopeChangeOf } from '@dv/org';
import { ScopeRepository } from '../scopes/scope.repository';
import { AuthzState } from './authz-state';

/** The domain events authz reads: the access rules. */
const RULE_EVENTS = new Set<string>([AuthzEvents.accessRuleCreated.type, AuthzEvents.accessRuleDeleted.type]);

/** The durable consumer that persists the scope projection (shared by all replicas). */
export const PROJECTION_CONSUMER = 'authz';

/**
 * Keeps this replica's in-memory state current. At start: a snapshot from MongoDB (rules, and the
 * scope projection up to the projection consumer's ack floor), then an ordered consumer per stream
 * from just after the snapshot. Every event is applied only if newer, so the overlap is harmless.
 * Every replica sees every event: that is what keeps replicas consistent.
 */
@Injectable()
export class AuthzSync implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AuthzSync');
  private readonly followers: StreamFollower[] = [];
  private following = false;

  /** Ready once the snapshot is loaded and both streams are followed (the readiness check). */
  get ready(): boolean {
    // Not while a follower catches up again after a NATS restart.
    return this.following && this.followers.every((f) => f.following);
  }

  constructor(
    private readonly state: AuthzState,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly rules: AccessRuleRepository,
    private readonly scopes: ScopeRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const domainSeq = (await jsm.streams.info(STREAMS.domain.name)).state.last_seq;
    const platformFloor = await this.projectionFloor();
    const started = Date.now();

    for (const doc of await this.rules.all()) this.state.applyRule(toAccessRule(doc), doc.version);
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
    this.state.markApplied('events', domainSeq);
    this.state.markApplied('platform', platformFloor);
    this.logger.log(`snapshot: ${this.state.index.active} active rules, ${this.state.tree.count()} scopes in ${Date.now() - started} ms; following from events #${domainSeq + 1}, platform #${platformFloor + 1}`);

    // Every domain event, not only access-rule ones: a revision may be any event's sequence, and it
    // counts as reached only once everything before it is applied. The others are counted, not read.
    await this.follow(STREAMS.domain.name, 'dv.evt.>', domainSeq + 1, RULE_EVENTS, (type, data, seq, version) => {
      if (type === AuthzEvents.accessRuleCreated.type || type === AuthzEvents.accessRuleDeleted.type) {
        const rule: AccessRule = AuthzEvents.accessRuleCreated.data.parse(data);
        this.state.applyRule(rule, version ?? (rule.status === 'deleted' ? 2 : 1));
      }
      this.state.markApplied('events', seq);
    });
    await this.follow(STREAMS.platform.name, 'platform.evt.>', platformFloor + 1, undefined, (type, data, seq) => {
      const change = scopeChangeOf(type, data, seq);
      if (change?.kind === 'upsert') this.state.upsertScope(change.change);
      else if (change?.kind === 'delete') this.state.tree.remove(change.type, change.id, change.version);
      this.state.markApplied('platform', seq);
    });
    this.following = true;
  }

  async onModuleDestroy(): Promise<void> {
    this.following = false;
    for (const follower of this.followers) await follower.stop();
  }

  /** Everything up to here is in the scope projection collection. */
  private async projectionFloor(): Promise<number> {
    const jsm = await jetstreamManager(this.nc);
    try {
      return (await jsm.consumers.info(STREAMS.platform.name, PROJECTION_CONSUMER)).ack_floor.stream_seq;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return 0;
      throw error;
    }
  }

  private async follow(
    stream: string,
    subject: string,
    startSeq: number,
    /** The event types read and applied; every other message only moves the revision. All when undefined. */
    types: ReadonlySet<string> | undefined,
    apply: (type: string, data: unknown, seq: number, version: number | undefined) => void,
  ): Promise<void> {
    // followStream: in order, one subject filter given as a string (NATS permissions, decision 0007), a
    // malformed event skipped but counted, and caught up again within seconds after a NATS restart.
    const revision = stream === STREAMS.domain.name ? 'events' : 'platform';
    this.followers.push(
      await followStream(this.nc, {
        stream,
        subject,
        startSeq,
        ...(types ? { types } : {}),
        apply: (envelope, seq) => apply(envelope.type, envelope.data, seq, envelope.aggregateversion),
        applied: (seq) => this.state.markApplied(revision, seq),
      }),
    );
  }
}

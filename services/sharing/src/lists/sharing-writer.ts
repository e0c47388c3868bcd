import {
  AuthzRpc,
  type CheckItem,
  DvError,
  type EventEnvelope,
  type Principal,
  type Revision,
  SharingEvents,
  type SharedScopeEntry,
  type ShareableScopeRef,
  SYSTEM_ACTOR,
} from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type OutboxRelay } from '@dv/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type SharedVolumeView, scopeKey } from '@dv/org';
import { SharingState } from '../state/sharing-state';
import { SHARING_LIST_RELAY } from '../tokens';
import { type SharingListDoc } from './sharing-list.model';
import { SharingListRepository } from './sharing-list.repository';

export interface SharingChange {
  volumeId: string;
  add: ShareableScopeRef[];
  remove: ShareableScopeRef[];
}

export interface SharingResult {
  sharedScopes: SharedScopeEntry[];
  revision: Revision;
}

type Actor = { kind: 'caller'; principal: Principal; requestId: string } | { kind: 'system' };

/**
 * Changes sharing lists: validates every added scope (exists, same cluster as the volume: a PV copy
 * is bound to its cluster) and needs a Ready volume to add (removing works in any phase: a volume
 * whose project was deleted can still be unshared), authorizes every change with authz in one batch
 * (sharing-list create per added scope, delete per removed one, and read of the volume where it
 * originates), then writes the list and its events in one document. All or nothing: one refusal
 * changes nothing.
 */
@Injectable()
export class SharingWriter {
  private readonly logger = new Logger('SharingWriter');

  constructor(
    private readonly state: SharingState,
    private readonly rpc: RpcClient,
    private readonly publisher: EventPublisher,
    private readonly lists: SharingListRepository,
    @Inject(SHARING_LIST_RELAY) private readonly relay: OutboxRelay<SharingListDoc>,
  ) {}

  async change(change: SharingChange, actor: Actor): Promise<SharingResult> {
    const volume = this.state.index.liveVolume(change.volumeId);
    if (!volume) throw DvError.notFound(`data volume ${change.volumeId} does not exist`);
    const keys = [...change.add, ...change.remove].map((s) => scopeKey(s.scopeType, s.scopeId));
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate) throw DvError.validation(`scope ${duplicate} appears more than once in the request`, { scope: duplicate });

    if (actor.kind === 'caller') {
      if (change.add.length > 0 && volume.phase !== 'Ready') {
        throw DvError.precondition(`data volume ${volume.name} is ${volume.phase}: it can be shared once it is Ready (removing scopes works in any phase)`, {
          phase: volume.phase,
        });
      }
      for (const scope of change.add) this.requireShareable(volume, scope);
      await this.authorize(volume, change, actor);
    }

    const doc = await this.lists.read(change.volumeId);
    const current = new Map((doc?.scopes ?? []).map((s) => [scopeKey(s.scopeType, s.scopeId), s] as const));
    const now = new Date().toISOString();
    const by = actor.kind === 'caller' ? actor.principal.subjectId : 'system';
    const events: { kind: 'shared' | 'unshared'; entry: SharedScopeEntry }[] = [];
    for (const scope of change.remove) {
      const key = scopeKey(scope.scopeType, scope.scopeId);
      const entry = current.get(key);
      if (entry && current.delete(key)) events.push({ kind: 'unshared', entry });
    }
    for (const scope of change.add) {
      const key = scopeKey(scope.scopeType, scope.scopeId);
      if (current.has(key)) continue; // sharing again is a no-op, not an error
      const node = this.state.tree.live(scope.scopeType, scope.scopeId);
      const entry: SharedScopeEntry = {
        scopeType: scope.scopeType,
        scopeId: scope.scopeId,
        scopeName: node?.name ?? scope.scopeId,
        createdAt: now,
        createdBy: by,
      };
      current.set(key, entry);
      events.push({ kind: 'shared', entry });
    }
    const scopes = [...current.values()];
    if (events.length === 0) return { sharedScopes: scopes, revision: {} };

    const meta = (version: number) => ({
      actor:
        actor.kind === 'caller' ? { id: actor.principal.subjectId, type: actor.principal.subjectType } : { id: SYSTEM_ACTOR.actorid, type: 'system' as const },
      subject: change.volumeId,
      scope: { scopeType: 'project' as const, scopeId: volume.projectId },
      aggregateVersion: version,
      ...(actor.kind === 'caller' ? { requestId: actor.requestId } : {}),
    });
    const envelopes = (version: number) =>
      events.map((e) =>
        this.publisher.envelope(
          e.kind === 'shared' ? SharingEvents.shared : SharingEvents.unshared,
          { volumeId: change.volumeId, scope: e.entry, sharedScopes: scopes },
          meta(version),
        ),
      );
    const written = doc
      ? await this.lists.update(change.volumeId, doc.version, { $set: { scopes } }, envelopes)
      : await this.lists.insert({ _id: change.volumeId, scopes }, envelopes);
    this.state.index.applyList(change.volumeId, scopes, written.version);
    // The write's revision is its own events' (the last ones of the outbox it left), whoever publishes them.
    return { sharedScopes: scopes, revision: await this.publish(change.volumeId, written.outbox.slice(-events.length)) };
  }

  /**
   * An added scope must exist, in the volume's tenant and cluster: a volume is used elsewhere through
   * a PV copied from its origin PV, and a PV (with the storage it points at) belongs to one cluster.
   */
  private requireShareable(volume: SharedVolumeView, scope: ShareableScopeRef): void {
    const node = this.state.tree.live(scope.scopeType, scope.scopeId);
    if (!node) throw DvError.notFound(`${scope.scopeType} ${scope.scopeId} does not exist`, { ...scope });
    const origin = this.state.tree.live('project', volume.projectId);
    const tenant = origin && this.state.tree.ancestorOfType(origin, 'tenant');
    if (this.state.tree.ancestorOfType(node, 'tenant') !== tenant) {
      throw DvError.validation(`${scope.scopeType} ${scope.scopeId} belongs to another tenant than data volume ${volume.name}`, {
        ...scope,
        reason: 'other-tenant',
      });
    }
    const cluster = origin ? this.state.tree.ancestorOfType(origin, 'cluster') : undefined;
    const target = this.state.tree.ancestorOfType(node, 'cluster');
    if (target !== cluster) {
      const volumeCluster = cluster?.id ?? volume.clusterId;
      const where =
        scope.scopeType === 'cluster'
          ? `cluster ${scope.scopeId} is not the cluster of data volume ${volume.name} (${volumeCluster})`
          : `${scope.scopeType} ${scope.scopeId} is in cluster ${target?.id ?? 'unknown'}, but data volume ${volume.name} lives in cluster ${volumeCluster}`;
      throw DvError.validation(
        `${where}: a data volume is shared only within its own cluster (each consuming project gets a PV copy pointing at the origin's storage there)`,
        { ...scope, reason: 'other-cluster', volumeClusterId: volumeCluster, scopeClusterId: target?.id ?? null },
      );
    }
  }

  /** Where the volume's read right is checked: its origin project, or the nearest live scope above it when the project is gone. */
  private originScope(volume: SharedVolumeView): { scopeType: 'project' | 'department' | 'cluster'; scopeId: string } {
    const candidates = [
      { scopeType: 'project' as const, scopeId: volume.projectId },
      { scopeType: 'department' as const, scopeId: volume.departmentId },
      { scopeType: 'cluster' as const, scopeId: volume.clusterId },
    ];
    return candidates.find((c) => this.state.tree.live(c.scopeType, c.scopeId) !== undefined) ?? { scopeType: 'project', scopeId: volume.projectId };
  }

  private async authorize(volume: SharedVolumeView, change: SharingChange, actor: Extract<Actor, { kind: 'caller' }>): Promise<void> {
    const subject = actor.principal;
    const checks: CheckItem[] = [
      { subject, action: 'read', resourceType: 'datavolumes', scope: this.originScope(volume) },
      ...change.add.map((scope): CheckItem => ({ subject, action: 'create', resourceType: 'datavolumes/sharedscopes', scope })),
      ...change.remove.map((scope): CheckItem => ({ subject, action: 'delete', resourceType: 'datavolumes/sharedscopes', scope })),
    ];
    const denied: string[] = [];
    for (let i = 0; i < checks.length; i += 100) {
      const { decisions } = await this.rpc.call(
        AuthzRpc.checkBatch,
        { checks: checks.slice(i, i + 100) },
        { identity: actor.principal, requestId: actor.requestId },
      );
      decisions.forEach((d) => {
        if (!d.allowed) denied.push(d.message);
      });
    }
    if (denied.length > 0) throw DvError.forbidden(denied[0] ?? 'not permitted', { denied });
  }

  /**
   * A deleted volume's list goes through the outbox like any change: one unshared event per scope it
   * was shared with (the system as actor, each carrying the empty list), published before the
   * document is removed, so the audit log and every follower see the list go. Idempotent: a
   * redelivery after a crash publishes what is still pending and finishes. How many scopes it had.
   */
  async dropList(volumeId: string, projectId: string): Promise<number> {
    const doc = await this.lists.read(volumeId);
    if (!doc) return 0;
    let version = doc.version;
    const removed = doc.scopes;
    if (removed.length > 0) {
      const envelopes = (v: number) =>
        removed.map((entry) =>
          this.publisher.envelope(
            SharingEvents.unshared,
            { volumeId, scope: entry, sharedScopes: [] },
            {
              actor: { id: SYSTEM_ACTOR.actorid, type: 'system' },
              subject: volumeId,
              scope: { scopeType: 'project', scopeId: projectId },
              aggregateVersion: v,
            },
          ),
        );
      version = (await this.lists.update(volumeId, doc.version, { $set: { scopes: [] } }, envelopes)).version;
    }
    await this.relay.flush(volumeId);
    try {
      await this.lists.delete(volumeId, version);
    } catch (error) {
      // Another replica finished first.
      if (!(error instanceof DvError) || error.code !== 'NOT_FOUND') throw error;
    }
    return removed.length;
  }

  private async publish(volumeId: string, own: readonly EventEnvelope[]): Promise<Revision> {
    try {
      const { revision } = await this.relay.flush(volumeId, own);
      return revision === undefined ? {} : { events: revision };
    } catch (error) {
      this.logger.warn(`events of ${volumeId} not published yet (the relay will retry): ${error instanceof Error ? error.message : String(error)}`);
      return {};
    }
  }
}

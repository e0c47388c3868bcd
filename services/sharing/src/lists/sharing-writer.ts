import {
  AuthzRpc,
  type CheckItem,
  DvError,
  type Identity,
  type Revision,
  SharingEvents,
  type SharedScopeEntry,
  type ShareableScopeRef,
  SYSTEM_ACTOR,
} from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type OutboxRelay, insertWithEvents, updateWithEvents } from '@dv/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Model } from 'mongoose';
import { scopeKey } from '@dv/org';
import { SharingState } from '../state/sharing-state';
import { SHARING_LIST_MODEL, SHARING_LIST_RELAY } from '../tokens';
import { type SharingListDoc } from './sharing-list.model';

export interface SharingChange {
  volumeId: string;
  add: ShareableScopeRef[];
  remove: ShareableScopeRef[];
}

export interface SharingResult {
  sharedScopes: SharedScopeEntry[];
  revision: Revision;
}

type Actor = { kind: 'caller'; identity: Identity; requestId: string } | { kind: 'system' };

/**
 * Changes sharing lists: validates every scope (exists, same tenant as the volume), authorizes every
 * change with authz in one batch (sharing-list create per added scope, delete per removed one, and
 * read of the volume in its origin project), then writes the list and its events in one document.
 * All or nothing: one refusal changes nothing.
 */
@Injectable()
export class SharingWriter {
  private readonly logger = new Logger('SharingWriter');

  constructor(
    private readonly state: SharingState,
    private readonly rpc: RpcClient,
    private readonly publisher: EventPublisher,
    @Inject(SHARING_LIST_MODEL) private readonly model: Model<SharingListDoc>,
    @Inject(SHARING_LIST_RELAY) private readonly relay: OutboxRelay<SharingListDoc>,
  ) {}

  async change(change: SharingChange, actor: Actor): Promise<SharingResult> {
    const volume = this.state.index.liveVolume(change.volumeId);
    if (!volume) throw DvError.notFound(`data volume ${change.volumeId} does not exist`);
    const keys = [...change.add, ...change.remove].map((s) => scopeKey(s.scopeType, s.scopeId));
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate) throw DvError.validation(`scope ${duplicate} appears more than once in the request`, { scope: duplicate });

    if (actor.kind === 'caller') {
      if (volume.phase !== 'Ready') {
        throw DvError.precondition(`data volume ${volume.name} is ${volume.phase}: it can be shared once it is Ready`, { phase: volume.phase });
      }
      const origin = this.state.tree.live('project', volume.projectId);
      const tenant = origin && this.state.tree.ancestorOfType(origin, 'tenant');
      for (const scope of change.add) {
        const node = this.state.tree.live(scope.scopeType, scope.scopeId);
        if (!node) throw DvError.notFound(`${scope.scopeType} ${scope.scopeId} does not exist`, { ...scope });
        if (this.state.tree.ancestorOfType(node, 'tenant') !== tenant) {
          throw DvError.validation(`${scope.scopeType} ${scope.scopeId} belongs to another tenant than data volume ${volume.name}`, { ...scope });
        }
      }
      await this.authorize(volume.projectId, change, actor);
    }

    const doc = await this.model.findById(change.volumeId).lean<SharingListDoc>().exec();
    const current = new Map((doc?.scopes ?? []).map((s) => [scopeKey(s.scopeType, s.scopeId), s] as const));
    const now = new Date().toISOString();
    const by = actor.kind === 'caller' ? actor.identity.subjectId : 'system';
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
      const entry: SharedScopeEntry = { scopeType: scope.scopeType, scopeId: scope.scopeId, scopeName: node?.name ?? scope.scopeId, createdAt: now, createdBy: by };
      current.set(key, entry);
      events.push({ kind: 'shared', entry });
    }
    const scopes = [...current.values()];
    if (events.length === 0) return { sharedScopes: scopes, revision: {} };

    const meta = (version: number) => ({
      actor: actor.kind === 'caller' ? { id: actor.identity.subjectId, type: actor.identity.subjectType } : { id: SYSTEM_ACTOR.actorid, type: 'system' as const },
      subject: change.volumeId,
      scope: { scopeType: 'project' as const, scopeId: volume.projectId },
      aggregateVersion: version,
      ...(actor.kind === 'caller' ? { requestId: actor.requestId } : {}),
    });
    const envelopes = (version: number) =>
      events.map((e) => this.publisher.envelope(e.kind === 'shared' ? SharingEvents.shared : SharingEvents.unshared, { volumeId: change.volumeId, scope: e.entry, sharedScopes: scopes }, meta(version)));
    let version: number;
    if (doc) {
      version = (await updateWithEvents(this.model, change.volumeId, doc.version, { $set: { scopes } }, envelopes, 'sharing list')).version;
    } else {
      version = (await insertWithEvents(this.model, { _id: change.volumeId, scopes }, envelopes, 'sharing list', 'volume')).version;
    }
    this.state.index.applyList(change.volumeId, scopes, version);
    return { sharedScopes: scopes, revision: await this.publish(change.volumeId) };
  }

  private async authorize(projectId: string, change: SharingChange, actor: Extract<Actor, { kind: 'caller' }>): Promise<void> {
    const subject = { subjectId: actor.identity.subjectId, subjectType: actor.identity.subjectType === 'group' ? ('user' as const) : actor.identity.subjectType, groups: actor.identity.groups };
    const checks: CheckItem[] = [
      { subject, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: projectId } },
      ...change.add.map((scope): CheckItem => ({ subject, action: 'create', resourceType: 'datavolumes/sharedscopes', scope })),
      ...change.remove.map((scope): CheckItem => ({ subject, action: 'delete', resourceType: 'datavolumes/sharedscopes', scope })),
    ];
    const denied: string[] = [];
    for (let i = 0; i < checks.length; i += 100) {
      const { decisions } = await this.rpc.call(AuthzRpc.checkBatch, { checks: checks.slice(i, i + 100) }, { identity: actor.identity, requestId: actor.requestId });
      decisions.forEach((d) => {
        if (!d.allowed) denied.push(d.message);
      });
    }
    if (denied.length > 0) throw DvError.forbidden(denied[0] ?? 'not permitted', { denied });
  }

  private async publish(volumeId: string): Promise<Revision> {
    try {
      const { revision } = await this.relay.flush(volumeId);
      return revision === undefined ? {} : { events: revision };
    } catch (error) {
      this.logger.warn(`events of ${volumeId} not published yet (the relay will retry): ${error instanceof Error ? error.message : String(error)}`);
      return {};
    }
  }
}

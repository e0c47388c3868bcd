import { type EventPublisher } from '@dv/messaging';
import { type KubeClients } from '@dv/kube';
import { orgEntities } from '../org/org-entities';
import { type OrgFile } from '../org/org-file.schema';
import { type OrgAction } from '../plan/org-event-id';
import { type PlanOptions, planOrgEvents } from '../plan/plan-org-events';
import { type PlanReason } from '../plan/planned-event';
import { type PublisherState } from '../state/publisher-state';
import { recordPublished } from '../state/record-published';
import { type NamespaceOutcome, ensureProjectNamespaces } from './ensure-project-namespaces';
import { PUBLISHER_ACTOR } from './publisher-identity';

export interface PublishOrgOptions extends PlanOptions {
  org: OrgFile;
  /** Publishes to JetStream; the caller ran ensureStreams on its connection. */
  publisher: EventPublisher;
  /** Projects' namespaces are ensured through it (apply mode); undefined skips Kubernetes. */
  core: KubeClients['core'] | undefined;
  state: PublisherState;
  /** Called with the state after every acknowledged event, so a failure midway loses nothing. */
  saveState: (state: PublisherState) => Promise<void>;
  now?: () => Date;
}

export interface PublishedOrgEvent {
  type: string;
  subject: string;
  action: OrgAction;
  reason: PlanReason;
  version: number;
  eventId: string;
  seq: number;
  /** JetStream already held this event id: nothing new was stored. */
  duplicate: boolean;
}

export interface PublishOrgResult {
  events: PublishedOrgEvent[];
  namespaces: NamespaceOutcome[];
  state: PublisherState;
}

/**
 * Plays the platform's organization service for one file: namespaces first (a consumer told of a
 * project finds its namespace), then the planned events in order, recording each in the state.
 * Namespaces are never deleted: they may hold the very datasets this product is about.
 */
export async function publishOrg(options: PublishOrgOptions): Promise<PublishOrgResult> {
  const now = options.now ?? (() => new Date());
  const entities = orgEntities(options.org);
  const plan = planOrgEvents(entities, options.state, options);
  const namespaces = options.core !== undefined && options.mode === 'apply' ? await ensureProjectNamespaces(options.core, entities) : [];
  let state = options.state;
  const events: PublishedOrgEvent[] = [];
  for (const event of plan) {
    const ack = await options.publisher.publish(event.def, event.data, {
      actor: PUBLISHER_ACTOR,
      subject: event.entityId,
      ...(event.scope !== undefined ? { scope: event.scope } : {}),
      aggregateVersion: event.version,
      id: event.eventId,
      time: now(),
    });
    state = recordPublished(state, event, now());
    await options.saveState(state);
    events.push({
      type: event.def.type,
      subject: event.entityId,
      action: event.action,
      reason: event.reason,
      version: event.version,
      eventId: event.eventId,
      seq: ack.seq,
      duplicate: ack.duplicate,
    });
  }
  return { events, namespaces, state };
}

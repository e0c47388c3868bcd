import { type DataVolume, type EventEnvelope, type SharedScopeEntry, SharingEvents, VolumeEvents } from '@dv/contracts';

/** The volume lifecycle events that leave a volume live: each carries the whole volume. */
const LIVE_VOLUME_EVENTS = [VolumeEvents.created, VolumeEvents.ready, VolumeEvents.notReady, VolumeEvents.updated, VolumeEvents.deleting] as const;
const LIST_EVENTS = [SharingEvents.shared, SharingEvents.unshared] as const;

/**
 * What a view of volumes (sharing's index, volume's read model, admission's directory) learns from
 * one domain event: a volume as it is now (or gone), or a volume's whole sharing list. `at` is the
 * event's time (ms): tombstones are kept by event time, so a replay keeps what a live follower would.
 */
export type VolumeViewEvent =
  | { kind: 'volume'; volume: DataVolume; deleted: boolean; at: number }
  | { kind: 'list'; volumeId: string; scopes: SharedScopeEntry[]; version: number; at: number };

/** The domain event types views of volumes read (a follower only counts the others). */
export const VOLUME_VIEW_EVENTS: ReadonlySet<string> = new Set<string>([...LIVE_VOLUME_EVENTS, VolumeEvents.deleted, ...LIST_EVENTS].map((def) => def.type));

/** The view's change an event makes, parsed with its own contract; undefined for other types. Throws on a malformed event (the follower skips it). */
export function volumeViewEventOf(envelope: EventEnvelope): VolumeViewEvent | undefined {
  const at = Date.parse(envelope.time);
  const type = envelope.type;
  const live = LIVE_VOLUME_EVENTS.find((def) => def.type === type);
  if (live) return { kind: 'volume', volume: live.data.parse(envelope.data).volume, deleted: false, at };
  if (type === VolumeEvents.deleted.type) return { kind: 'volume', volume: VolumeEvents.deleted.data.parse(envelope.data).volume, deleted: true, at };
  const list = LIST_EVENTS.find((def) => def.type === type);
  if (list) {
    const change = list.data.parse(envelope.data);
    return { kind: 'list', volumeId: change.volumeId, scopes: change.sharedScopes, version: envelope.aggregateversion ?? 0, at };
  }
  return undefined;
}

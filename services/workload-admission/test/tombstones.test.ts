import { AdmissionRpc, type DataVolume, type EventEnvelope, type Revision, VolumeEvents } from '@dv/contracts';
import { EventPublisher } from '@dv/messaging';
import { HARNESS_ROOT, PlatformHarness, projectionMetrics, publishedVolume } from '@dv/testing';
import { randomUUID } from 'node:crypto';

/**
 * The one tombstone policy in admission's memory (VolumeDirectory and its sharing index): deleted
 * volumes are remembered up to ADMISSION_TOMBSTONES_MAX, and a late event about one whose tombstone
 * was dropped does not bring it back (it was made before the newest forgotten deletion: Tombstones).
 * The test plays the volume service (its events as the volume NATS user).
 */
const h = new PlatformHarness();
const BOUND = 2;
/** The harness's bootstrap System administrator, as the workload's submitter. */
const ROOT = { subjectId: HARNESS_ROOT.subjectId, subjectType: 'user' as const };
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
const VOLUME_ACTOR = { id: 'volume', type: 'system' } as const;
const MIN = 60_000;
let volumeService: EventPublisher;

function volume(version: number, phase: DataVolume['status']['phase']): DataVolume {
  return publishedVolume('p1', phase, version, {
    namespace: h.namespaceOf('p1'),
    ...(phase === 'Ready' ? { status: { phase, conditions: [], datavolumePvcName: 'dataset' } } : {}),
  });
}

/** Publishes a volume event made at `time` (the outbox keeps an event's time: a late re-publish carries the original one). */
async function publish(
  def: (typeof VolumeEvents)['created' | 'ready' | 'deleted'],
  v: DataVolume,
  time: Date,
): Promise<{ seq: number; envelope: EventEnvelope }> {
  const envelope = volumeService.envelope(def, { volume: v }, { actor: VOLUME_ACTOR, subject: v.id, aggregateVersion: v.version, time });
  return { seq: (await volumeService.publishEnvelope(envelope)).seq, envelope };
}

async function dryRun(volumeId: string, atLeast: Revision) {
  const workload = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `w-${volumeId.slice(0, 8)}` },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
  };
  return h.client.call(
    AdmissionRpc.review,
    { projectId: 'p1', atLeast, workload, subject: ROOT, dataVolumes: [{ id: volumeId, mountPath: '/data' }], dryRun: true },
    { identity: PLATFORM },
  );
}

const admissionPort = (i = 0): number => {
  const port = h.processes.get('workload-admission')?.[i]?.healthPort;
  if (port === undefined) throw new Error(`no admission replica #${i}`);
  return port;
};

beforeAll(async () => {
  await h.start([{ name: 'workload-admission', env: { ADMISSION_TOMBSTONES_MAX: String(BOUND) } }]);
  volumeService = new EventPublisher(await h.connectAs('volume'), 'dv/volume');
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

it('keeps at most the bound of deleted volumes, and a late event about a forgotten one does not bring it back', async () => {
  // Five volumes, each created, Ready and deleted a minute after the one before (event times).
  const start = Date.now() - 30 * MIN;
  const deleted: { ready: EventEnvelope; id: string }[] = [];
  let seq = 0;
  for (let i = 0; i < 5; i++) {
    const at = start + i * MIN;
    const v = volume(1, 'Creating');
    await publish(VolumeEvents.created, v, new Date(at));
    const ready = await publish(
      VolumeEvents.ready,
      { ...v, version: 2, status: { phase: 'Ready', conditions: [], datavolumePvcName: 'dataset' } },
      new Date(at + 1000),
    );
    seq = (await publish(VolumeEvents.deleted, { ...v, version: 3, status: { phase: 'Deleting', conditions: [] } }, new Date(at + 2000))).seq;
    deleted.push({ ready: ready.envelope, id: v.id });
  }
  const live = volume(2, 'Ready');
  seq = (await publish(VolumeEvents.ready, live, new Date())).seq;

  expect(await dryRun(live.id, { events: seq })).toMatchObject({ allowed: true });
  expect((await projectionMetrics(admissionPort(0))).sizes).toMatchObject({ volumes: 1, tombstones: BOUND });

  // The first volume's `ready` event again, as a relay re-publishing it after the duplicate window would (same time, same version).
  const first = deleted[0];
  if (!first) throw new Error('no deleted volume');
  const late = await volumeService.publishEnvelope({ ...first.ready, id: randomUUID() });
  const denied = await dryRun(first.id, { events: late.seq });
  expect(denied.allowed).toBe(false);
  expect(denied.reasons.map((r) => r.code)).toContain('VOLUME_NOT_FOUND');
  expect((await projectionMetrics(admissionPort(0))).sizes).toMatchObject({ volumes: 1, tombstones: BOUND });

  // A replica started now replays the same stream to the same memory (tombstones by event time, not arrival).
  await h.addReplica({ name: 'workload-admission', env: { ADMISSION_TOMBSTONES_MAX: String(BOUND) } });
  expect((await projectionMetrics(admissionPort(1))).sizes).toMatchObject({ volumes: 1, tombstones: BOUND });
  // And a volume made after all that is known at once (its creation is after the horizon).
  const fresh = volume(2, 'Ready');
  seq = (await publish(VolumeEvents.ready, fresh, new Date())).seq;
  expect(await dryRun(fresh.id, { events: seq })).toMatchObject({ allowed: true });
}, 120_000);

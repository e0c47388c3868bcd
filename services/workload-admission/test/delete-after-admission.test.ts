import { AdmissionRpc, DATA_VOLUMES_ANNOTATION, type DataVolume, DvError, STREAMS, VolumeRpc, WorkloadEvents } from '@dv/contracts';
import { HARNESS_ROOT, SecuredNats, type TestNatsUser, waitFor } from '@dv/testing';
import { type KubernetesObject } from '@kubernetes/client-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { AdmissionHarness } from './admission-harness';

/**
 * Once a review has answered "allowed" for a workload that mounts a volume, a delete of that volume
 * that starts afterwards is refused (412 'in-use', naming the workload), at once: not only once the
 * usage consumer has written the workload's record. The window is held open on real servers: the
 * usage consumer (the durable `workload-admission` on DV_EVENTS) is paused through JetStream's own
 * API, and a backlog of events nobody acts on puts every replica's follower behind the stream's head
 * when the admission is acknowledged. Over the review RPC and through the webhook (a Pod created in
 * the API server); one replica, then two (the check may land on the replica that did not review).
 */
const USAGE_CONSUMER = 'workload-admission';
const NOISE_TYPE = 'dv.evt.test-noise.v1';
/** A user of this test only: it pauses the usage consumer and publishes events nobody acts on. */
const RACER: TestNatsUser = {
  user: 'usage-race-test',
  why: "pauses workload admission's usage consumer and publishes events of a type no one acts on, to hold the window after an admission open",
  publish: [`$JS.API.CONSUMER.PAUSE.${STREAMS.domain.name}.${USAGE_CONSUMER}`, NOISE_TYPE],
};

class RaceHarness extends AdmissionHarness {
  protected override startNats(): Promise<SecuredNats> {
    return SecuredNats.start({ testUsers: [RACER] });
  }
}

const h = new RaceHarness();
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
const ALICE = 'alice@acme.example'; // creates Pods in p2's namespace, reviewed by the webhook
const ROUNDS = 8;
/** Events in each backlog: followers need a few hundred milliseconds to pass them on this machine. */
const BACKLOG = 1500;
let racer: NatsConnection;

beforeAll(async () => {
  // The volume service waits longer than its default second for the answer: a replica catching up
  // with a backlog answers late, and this test is about the answer, not the deadline.
  await h.startPlatform({ webhook: true, env: { VOLUME_USAGE_TIMEOUT_MS: '8000' } });
  racer = await h.nats.connectAs(RACER);
  await h.grant('user', 'rita', 5, 'project', 'p2');
  await h.grant('user', ALICE, 5, 'project', 'p2');
  await h.kubeUsers([ALICE]);
  // The API server picks a new webhook configuration up within a moment: wait until ours answers.
  await waitFor(
    async () =>
      (await h
        .as(ALICE)
        .create(annotatedPod(`probe-${Date.now()}`, 'not json'))
        .then(() => false)
        .catch((e: unknown) => String((e as { body?: string }).body ?? e).includes('INVALID_ANNOTATION'))) || undefined,
    { timeoutMs: 30_000, intervalMs: 300, what: 'the webhook to be called' },
  );
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

async function usageConsumer(paused: boolean): Promise<void> {
  const jsm = await jetstreamManager(racer, { checkAPI: false });
  if (paused) await jsm.consumers.pause(STREAMS.domain.name, USAGE_CONSUMER, new Date(Date.now() + 10 * 60_000));
  else await jsm.consumers.resume(STREAMS.domain.name, USAGE_CONSUMER);
}

/** Events no service acts on, published without waiting for their acks: followers must pass them before they see what comes next. */
async function backlog(): Promise<void> {
  const payload = new TextEncoder().encode('{}');
  for (let i = 0; i < BACKLOG; i++) racer.publish(NOISE_TYPE, payload);
  await racer.flush();
}

function annotatedPod(name: string, annotation: string): KubernetesObject & { spec: unknown } {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: h.namespaceOf('p2'), annotations: { [DATA_VOLUMES_ANNOTATION]: annotation } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
  };
}

async function sharedVolume(name: string): Promise<DataVolume> {
  const volume = await h.readyVolume(name);
  await h.share(volume.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
  return volume;
}

async function admit(volume: DataVolume, name: string): Promise<void> {
  const reply = await h.client.call(
    AdmissionRpc.review,
    {
      projectId: 'p2',
      workloadId: `${name}-id`,
      workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
      subject: { subjectId: 'rita', subjectType: 'user' },
      dataVolumes: [{ id: volume.id, mountPath: '/data' }],
    },
    { identity: PLATFORM },
  );
  if (!reply.allowed) throw new Error(`${name} was not admitted: ${JSON.stringify(reply.reasons)}`);
}

/** The delete's outcome: 'deleting' when it went ahead, else the refusal's code, reason and workloads. */
async function deleteOutcome(volume: DataVolume): Promise<string> {
  try {
    const { volume: after } = await h.client.call(VolumeRpc.delete, { id: volume.id }, { identity: HARNESS_ROOT });
    return after.status.phase === 'Deleting' ? 'deleting' : after.status.phase;
  } catch (error) {
    if (!(error instanceof DvError)) throw error;
    const details = error.details as { reason?: string; workloads?: { name: string }[] } | undefined;
    return `${error.code} ${details?.reason ?? '?'} ${(details?.workloads ?? []).map((w) => w.name).join(',')}`;
  }
}

/** Admits a workload, then deletes the volume at once, ROUNDS times; the rounds whose delete was not refused naming that workload. */
async function admitThenDelete(volume: DataVolume, prefix: string, withBacklog: boolean): Promise<string[]> {
  const wrong: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const name = `${prefix}-${round}`;
    if (withBacklog) await backlog();
    await admit(volume, name);
    const outcome = await deleteOutcome(volume);
    if (!/^PRECONDITION_FAILED in-use /.test(outcome) || !outcome.split(' ')[2]?.split(',').includes(name)) wrong.push(`${name}: ${outcome}`);
    if (outcome === 'deleting') break; // the volume is gone: nothing more to ask
  }
  return wrong;
}

/** Releases the test's workloads (the platform says they were deleted), then the volume may be deleted. */
async function releaseThenDelete(volume: DataVolume, prefix: string): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const name = `${prefix}-${round}`;
    await h.org(
      WorkloadEvents.deleted,
      { workloadId: `${name}-id`, name, kind: 'Pod', apiVersion: 'v1', projectId: 'p2', namespace: h.namespaceOf('p2') },
      name,
    );
  }
  const outcome = await waitFor(async () => ((await deleteOutcome(volume)) === 'deleting' ? 'deleting' : undefined), {
    timeoutMs: 15_000,
    intervalMs: 200,
    what: `data volume ${volume.name} deletable once its workloads are released`,
  });
  expect(outcome).toBe('deleting');
}

describe('one replica', () => {
  it('refuses a delete sent at once after the admission, with the usage consumer paused', async () => {
    const volume = await sharedVolume('race-one');
    await usageConsumer(true);
    try {
      expect(await admitThenDelete(volume, 'one', false)).toEqual([]);
      // Releases made while the admissions are still unrecorded end them: nothing keeps the volume in use.
      await releaseThenDelete(volume, 'one');
    } finally {
      await usageConsumer(false);
    }
  }, 120_000);

  it('refuses it after a webhook admission (a Pod created in the API server), with the usage consumer paused', async () => {
    const volume = await sharedVolume('race-webhook');
    await usageConsumer(true);
    try {
      const wrong: string[] = [];
      for (let round = 0; round < ROUNDS / 2; round++) {
        const name = `web-${round}`;
        await h.as(ALICE).create(annotatedPod(name, JSON.stringify([{ id: volume.id, mountPath: '/data' }])));
        const outcome = await deleteOutcome(volume);
        if (!/^PRECONDITION_FAILED in-use /.test(outcome) || !outcome.split(' ')[2]?.split(',').includes(name)) wrong.push(`${name}: ${outcome}`);
        if (outcome === 'deleting') break;
      }
      expect(wrong).toEqual([]);
    } finally {
      await usageConsumer(false);
    }
  }, 120_000);

  it('refuses it with the follower behind a backlog too', async () => {
    const volume = await sharedVolume('race-backlog');
    await usageConsumer(true);
    try {
      expect(await admitThenDelete(volume, 'backlog', true)).toEqual([]);
    } finally {
      await usageConsumer(false);
    }
    // Recorded now: still refused, then deletable once released.
    await h.settled();
    expect(await deleteOutcome(volume)).toMatch(/^PRECONDITION_FAILED in-use .*backlog-0/);
    await releaseThenDelete(volume, 'backlog');
  }, 120_000);
});

describe('two replicas (the check may land on the replica that did not review)', () => {
  beforeAll(async () => {
    await h.addReplica({ name: 'workload-admission', env: { ADMISSION_CALL_TIMEOUT_MS: '5000' } });
  }, 60_000);

  it('refuses a delete sent at once after the admission, with the usage consumer paused and the followers behind', async () => {
    const volume = await sharedVolume('race-two');
    await usageConsumer(true);
    try {
      expect(await admitThenDelete(volume, 'two', true)).toEqual([]);
      await releaseThenDelete(volume, 'two');
    } finally {
      await usageConsumer(false);
    }
  }, 120_000);

  it('refuses it with the usage consumer running (the natural race)', async () => {
    const volume = await sharedVolume('race-live');
    expect(await admitThenDelete(volume, 'live', false)).toEqual([]);
    await h.settled();
    await releaseThenDelete(volume, 'live');
  }, 120_000);
});

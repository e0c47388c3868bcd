import { AdmissionRpc, AuthzRpc, type DataVolume, DvError, type Revision, STREAMS, SharingRpc, VolumeRpc, WorkloadEvents } from '@dv/contracts';
import { HARNESS_ROOT, KubePlatformHarness, type RestartableNats, SecuredNats, httpRequest, startRestartableNats, waitFor } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';

/**
 * nats-server killed (-9) and started again on the same port and store, under a little load, with
 * every service running as its own process: the services reconnect and catch up within seconds
 * (reads, checks and reviews at the revision of a write made right after the restart answer within
 * 5 s of NATS being back), the unshare and the delete made then still remove their bindings, and no
 * event of ours is dead-lettered.
 */
class RestartableHarness extends KubePlatformHarness {
  restartable!: RestartableNats;

  /** The platform's users and permissions, on a server that can be killed and started again. */
  protected override startNats(): Promise<SecuredNats> {
    return SecuredNats.start({ server: async (settings) => (this.restartable = await startRestartableNats(settings)) });
  }
}

const h = new RestartableHarness();
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
const RITA = { subjectId: 'rita', subjectType: 'user' as const };
const L1_RESEARCHER = 5;
/** The bound asked of the platform once NATS is back. */
const CATCH_UP_MS = 5000;
/** How long NATS stays away: long enough for every client to notice and start reconnecting. */
const DOWN_MS = Number(process.env['FAULTS_NATS_DOWN_MS'] ?? 3000);

let unshared: DataVolume; // shared with p2, bound there, unshared right after the restart
let deleted: DataVolume; // shared with p2, bound there, deleted right after the restart
let kept: DataVolume; // shared with p2 throughout: what the reviews ask for

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });

function review(volume: DataVolume, name: string, options: { dryRun: boolean; atLeast?: Revision }) {
  return h.client.call(
    AdmissionRpc.review,
    {
      projectId: 'p2',
      workload: pod(name),
      subject: RITA,
      dataVolumes: [{ id: volume.id, mountPath: '/data' }],
      dryRun: options.dryRun,
      ...(options.atLeast ? { atLeast: options.atLeast } : {}),
    },
    { identity: PLATFORM, timeoutMs: 3000 },
  );
}

/** The PVCs our bindings made for the volume in p2's namespace. */
async function bindingPvcs(volume: DataVolume): Promise<string[]> {
  const pvcs = await h.core.listNamespacedPersistentVolumeClaim({ namespace: h.namespaceOf('p2'), labelSelector: `dv.platform/volume-id=${volume.id}` });
  return pvcs.items.map((p) => p.metadata?.name ?? '');
}

/** Bound: a binding made by a real review, its workload then released (so only the sharing keeps it). */
async function bindAndRelease(volume: DataVolume, name: string): Promise<void> {
  const admitted = await review(volume, name, { dryRun: false });
  expect(admitted.allowed).toBe(true);
  await h.org(WorkloadEvents.deleted, { workloadId: `${name}-id`, name, kind: 'Pod', apiVersion: 'v1', projectId: 'p2', namespace: h.namespaceOf('p2') }, name);
}

/** Retries a call that may meet NATS still away; returns how long after `since` it first answered. */
async function firstAnswer<T>(call: () => Promise<T>, since: number, what: string): Promise<{ value: T; afterMs: number }> {
  const value = await waitFor(
    async () => {
      try {
        return { v: await call() };
      } catch (error) {
        if (error instanceof DvError && error.code === 'UNAVAILABLE') return undefined;
        throw error;
      }
    },
    { timeoutMs: 60_000, intervalMs: 100, what },
  );
  return { value: value.v, afterMs: Date.now() - since };
}

beforeAll(async () => {
  await h.startPlatform({ webhook: false });
  await h.grant('user', RITA.subjectId, L1_RESEARCHER, 'project', 'p2');
  [unshared, deleted, kept] = await Promise.all([h.readyVolume('restart-unshared'), h.readyVolume('restart-deleted'), h.readyVolume('restart-kept')]);
  for (const v of [unshared, deleted, kept]) await h.share(v.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
  await bindAndRelease(unshared, 'before-restart-1');
  await bindAndRelease(deleted, 'before-restart-2');
  await h.settled();
  expect(await bindingPvcs(unshared)).toHaveLength(1);
  expect(await bindingPvcs(deleted)).toHaveLength(1);
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

it('catches up within seconds of a NATS restart, cleans up the bindings and dead-letters nothing', async () => {
  // A little load throughout: reviews (each decision an event) and reads, their failures while NATS is away expected.
  let loading = true;
  let n = 0;
  const load = (async () => {
    while (loading) {
      n++;
      await Promise.allSettled([
        review(kept, `load-${n}`, { dryRun: false }),
        h.client.call(VolumeRpc.get, { id: kept.id }, { identity: HARNESS_ROOT, timeoutMs: 3000 }),
      ]);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await new Promise((r) => setTimeout(r, 1000));

  await h.restartable.kill();
  await new Promise((r) => setTimeout(r, DOWN_MS));
  await h.restartable.restart();
  const back = Date.now();
  // The test's own client first: what it sends before it has reconnected, nats.js drops.
  await waitFor(() => h.nc.flush().then(() => true), { timeoutMs: 10_000, intervalMs: 50, what: "the test's client to reconnect" });

  // A burst of decisions (each an event) right away: more events than a follower that lost its pull asks for again.
  for (let batch = 0; batch < 4; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => firstAnswer(() => review(kept, `burst-${batch}-${i}`, { dryRun: false }), back, 'a review after the restart')),
    );
  }
  // Writes made as soon as they are answered; every read below asks for their revision.
  const unshare = await firstAnswer(
    () =>
      h.client.call(
        SharingRpc.update,
        { volumeId: unshared.id, add: [], remove: [{ scopeType: 'project', scopeId: 'p2' }] },
        { identity: HARNESS_ROOT, timeoutMs: 5000 },
      ),
    back,
    'the unshare',
  );
  const removal = await firstAnswer(() => h.client.call(VolumeRpc.delete, { id: deleted.id }, { identity: HARNESS_ROOT, timeoutMs: 5000 }), back, 'the delete');
  const atLeast: Revision = { events: Math.max(unshare.value.revision.events ?? 0, removal.value.revision.events ?? 0) };

  const [listed, checked, reviewed] = await Promise.all([
    firstAnswer(
      () =>
        h.client.call(
          VolumeRpc.list,
          { requestType: 'UsableInProject', usableInProjectId: 'p2', sortBy: 'name', atLeast },
          { identity: HARNESS_ROOT, timeoutMs: 3000 },
        ),
      back,
      'a list at the revision',
    ),
    firstAnswer(
      () =>
        h.client.call(
          AuthzRpc.check,
          {
            subject: { subjectId: 'rita', subjectType: 'user' },
            action: 'read',
            resourceType: 'datavolumes',
            scope: { scopeType: 'project', scopeId: 'p2' },
            atLeast,
          },
          { identity: HARNESS_ROOT, timeoutMs: 3000 },
        ),
      back,
      'a check at the revision',
    ),
    firstAnswer(() => review(kept, 'after-restart', { dryRun: true, atLeast }), back, 'a review at the revision'),
  ]);
  loading = false;
  await load;

  // At the revision: the unshared volume is no longer usable in p2, the deleted one is at least Deleting.
  expect(listed.value.datavolumes.map((v) => [v.name, v.name === 'restart-deleted' ? v.status.phase : 'any'])).toEqual(
    expect.arrayContaining([['restart-kept', 'any']]),
  );
  expect(listed.value.datavolumes.map((v) => v.name)).not.toContain('restart-unshared');
  expect(listed.value.datavolumes.filter((v) => v.name === 'restart-deleted' && v.status.phase !== 'Deleting')).toEqual([]);
  expect(checked.value.allowed).toBe(true);
  expect(reviewed.value.allowed).toBe(true);
  // Every process says it is ready again (its followers caught up), also within the bound.
  const ready = await firstAnswer(
    async () => {
      for (const proc of [...h.processes.values()].flat()) {
        if ((await httpRequest(`http://127.0.0.1:${proc.healthPort}/readyz`)).status !== 200) throw DvError.unavailable('not ready yet');
      }
      return true;
    },
    back,
    'every service ready',
  );
  const slowest = Math.max(listed.afterMs, checked.afterMs, reviewed.afterMs, ready.afterMs);
  process.stderr.write(
    `answered after NATS was back: list ${listed.afterMs} ms, check ${checked.afterMs} ms, review ${reviewed.afterMs} ms, all ready ${ready.afterMs} ms\n`,
  );
  expect(slowest).toBeLessThanOrEqual(CATCH_UP_MS);

  // The bindings of the unshared and the deleted volume are removed (the volume is then gone).
  await waitFor(async () => (await bindingPvcs(unshared)).length === 0 && (await bindingPvcs(deleted)).length === 0, {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: 'the bindings of the unshared and the deleted volume to be removed',
  });
  await waitFor(
    async () => {
      try {
        await h.client.call(VolumeRpc.get, { id: deleted.id }, { identity: HARNESS_ROOT });
        return false;
      } catch (error) {
        return error instanceof DvError && error.code === 'NOT_FOUND';
      }
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'the deleted volume to be gone' },
  );
  await h.settled();
  const jsm = await jetstreamManager(h.nc);
  expect((await jsm.streams.info(STREAMS.deadLetter.name)).state.messages).toBe(0);
}, 180_000);

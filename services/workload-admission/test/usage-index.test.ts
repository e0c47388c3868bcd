import { AdmissionRpc, type DataVolume, VolumeUsageRpc, WorkloadEvents } from '@dv/contracts';
import { waitFor } from '@dv/testing';
import { AdmissionHarness } from './admission-harness';

/**
 * The usage check answers from each replica's usage index (admissions kept from the events, records
 * read by `_id`): a workload admitted on one replica is in use on every replica, also on one started
 * afterwards (the records in MongoDB up to the usage consumer's ack floor, the admitted events after
 * it), and no longer once the platform says it was deleted.
 */
const h = new AdmissionHarness();
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
const VOLUME_SERVICE = { subjectId: 'volume', subjectType: 'service-account' as const };
let volume: DataVolume;

beforeAll(async () => {
  await h.startPlatform({ webhook: false });
  volume = await h.readyVolume('indexed');
  await h.share(volume.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
  await h.grant('user', 'rita', 5, 'project', 'p2');
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

const admit = (name: string) =>
  h.client.call(
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

const usage = () => h.client.call(VolumeUsageRpc.usage, { volumeId: volume.id }, { identity: VOLUME_SERVICE });

it('is answered the same by a replica started after the admissions, and follows the releases', async () => {
  expect((await admit('train-a')).allowed).toBe(true);
  expect((await admit('train-b')).allowed).toBe(true);
  await h.settled();
  expect((await usage()).workloads.map((w) => w.name)).toEqual(['train-a', 'train-b']);

  // A second replica, started now: both admissions are in MongoDB (below the consumer's ack floor).
  // The first stops, so every check from here is answered by the new one.
  await h.addReplica({ name: 'workload-admission', env: { ADMISSION_CALL_TIMEOUT_MS: '5000' } });
  await h.processes.get('workload-admission')?.[0]?.stop();
  expect((await usage()).workloads.map((w) => w.name)).toEqual(['train-a', 'train-b']);

  // An admission after it started comes from the events; a deletion ends one.
  expect((await admit('train-c')).allowed).toBe(true);
  await h.org(
    WorkloadEvents.deleted,
    { workloadId: 'train-a-id', name: 'train-a', kind: 'Pod', apiVersion: 'v1', projectId: 'p2', namespace: h.namespaceOf('p2') },
    'train-a',
  );
  await h.settled();
  await waitFor(async () => JSON.stringify((await usage()).workloads.map((w) => w.name)) === JSON.stringify(['train-b', 'train-c']), {
    timeoutMs: 10_000,
    intervalMs: 100,
    what: 'train-b and train-c in use, train-a released',
  });
  await h.org(
    WorkloadEvents.finished,
    { workloadId: 'train-b-id', name: 'train-b', kind: 'Pod', apiVersion: 'v1', projectId: 'p2', namespace: h.namespaceOf('p2'), outcome: 'Succeeded' },
    'train-b',
  );
  await h.org(
    WorkloadEvents.deleted,
    { workloadId: 'train-c-id', name: 'train-c', kind: 'Pod', apiVersion: 'v1', projectId: 'p2', namespace: h.namespaceOf('p2') },
    'train-c',
  );
  await h.settled();
  await waitFor(async () => !(await usage()).inUse, { timeoutMs: 10_000, intervalMs: 100, what: 'the volume no longer in use' });
}, 120_000);

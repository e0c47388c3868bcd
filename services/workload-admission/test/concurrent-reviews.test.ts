import { AdmissionRpc, type DataVolume, type Revision } from '@dv/contracts';
import { copyNames } from '@dv/kube';
import { HARNESS_ROOT } from '@dv/testing';
import { AdmissionHarness } from './admission-harness';

/**
 * Several reviews of workloads that need the same new binding, at the same moment, on two replicas:
 * every one is admitted with the one binding (one PV copy, one PVC, one record), none is denied
 * because another review was making it (a duplicate key of the bindings collection, once).
 */
const h = new AdmissionHarness();
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
const RITA = { subjectId: 'rita', subjectType: 'user' as const };
let revision: Revision;

beforeAll(async () => {
  await h.startPlatform({ webhook: false });
  await h.addReplica({ name: 'workload-admission', env: { ADMISSION_CALL_TIMEOUT_MS: '5000' } });
  const granted = await h.grant('user', 'rita', 5, 'project', 'p2');
  revision = granted.revision;
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });

async function crowd(volume: DataVolume, atLeast: Revision, n: number) {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      h.client.call(
        AdmissionRpc.review,
        { projectId: 'p2', atLeast, workload: pod(`${volume.name}-${i}`), subject: RITA, dataVolumes: [{ id: volume.id, mountPath: '/data' }] },
        { identity: PLATFORM },
      ),
    ),
  );
}

it.each([1, 2, 3])('admits 12 concurrent reviews of a new binding (round %i): all share the one binding, none is BINDING_FAILED', async (round) => {
  const volume = await h.readyVolume(`crowded-${round}`);
  const shared = await h.share(volume.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
  const namespace = h.namespaceOf('p2');
  const { pvcName, pvName } = copyNames(volume.id, volume.name, namespace);
  const replies = await crowd(volume, { ...shared, events: Math.max(shared.events ?? 0, revision.events ?? 0) }, 12);
  for (const reply of replies) expect(reply).toMatchObject({ allowed: true, reasons: [], bindings: [{ volumeId: volume.id, namespace, pvcName, pvName }] });
  expect((await h.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace })).spec?.volumeName).toBe(pvName);
  const pvcs = await h.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: `dv.platform/volume-id=${volume.id}` });
  expect(pvcs.items.map((p) => p.metadata?.name)).toEqual([pvcName]);
  const usage = await h.client.call(AdmissionRpc.usage, { volumeId: volume.id }, { identity: HARNESS_ROOT });
  expect(usage.bindings.filter((b) => b.namespace === namespace)).toEqual([{ volumeId: volume.id, namespace, pvcName, pvName }]);
});

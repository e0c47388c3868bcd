import { AdmissionEvents, AdmissionRpc, type DataVolume, DvError, STREAMS } from '@dv/contracts';
import { copyNames } from '@dv/kube';
import { jetstreamManager } from '@nats-io/jetstream';
import { waitFor } from '@dv/testing';
import { AdmissionHarness } from './admission-harness';

/**
 * A process killed in the middle of making a binding (after the PV copy, before the PVC) loses
 * nothing and duplicates nothing: a fresh replica's reconciler completes the same binding at
 * start-up (no review needed), one PV copy and one PVC, announced once; the next review reuses it.
 */
const h = new AdmissionHarness();
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
let volume: DataVolume;

beforeAll(async () => {
  await h.startPlatform({ webhook: false, admissionEnv: { ADMISSION_FAILPOINT: 'crash-after-pv-copy' } });
  volume = await h.readyVolume('crashy');
  await h.share(volume.id, { add: [{ scopeType: 'project', scopeId: 'p3' }] });
  await h.grant('user', 'rita', 5, 'project', 'p3');
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

it('finishes a binding a killed process left half-made, at start-up, exactly once', async () => {
  const namespace = h.namespaceOf('p3');
  const { pvName, pvcName } = copyNames(volume.id, volume.name, namespace);
  const request = {
    projectId: 'p3',
    workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'first' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
    subject: { subjectId: 'rita', subjectType: 'user' as const },
    dataVolumes: [{ id: volume.id, mountPath: '/data' }],
  };
  const dying = h.processes.get('workload-admission')?.[0];
  const failed = await h.client.call(AdmissionRpc.review, request, { identity: PLATFORM, timeoutMs: 3000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(failed).toBeInstanceOf(DvError);
  await new Promise<void>((resolve) =>
    dying?.child.exitCode !== null || dying.child.signalCode !== null ? resolve() : dying.child.once('exit', () => resolve()),
  );
  expect(dying?.child.signalCode).toBe('SIGKILL');
  // Half-made: the PV copy exists, the PVC does not.
  expect((await h.core.readPersistentVolume({ name: pvName })).metadata?.name).toBe(pvName);
  await expect(h.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace })).rejects.toMatchObject({ code: 404 });

  // The dead replica's lease on the record runs out after a second: the new replica takes it over when it starts.
  await h.addReplica({ name: 'workload-admission', env: { ADMISSION_CALL_TIMEOUT_MS: '5000', ADMISSION_BINDING_LEASE_MS: '1000' } });
  const jsm = await jetstreamManager(h.nc);
  const announced = async (): Promise<number> =>
    (await jsm.streams.info(STREAMS.domain.name, { subjects_filter: AdmissionEvents.bindingCreated.type })).state.subjects?.[
      AdmissionEvents.bindingCreated.type
    ] ?? 0;
  await waitFor(async () => ((await announced()) === 1 ? true : undefined), {
    timeoutMs: 15_000,
    intervalMs: 200,
    what: 'the reconciler to finish the binding',
  });
  expect((await h.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace })).spec?.volumeName).toBe(pvName);
  const recorded = await h.client.call(AdmissionRpc.usage, { volumeId: volume.id }, { identity: PLATFORM });
  expect(recorded.bindings).toContainEqual({ volumeId: volume.id, namespace, pvcName, pvName }); // the record is Bound

  const reply = await h.client.call(
    AdmissionRpc.review,
    { ...request, workload: { ...request.workload, metadata: { name: 'second' } } },
    { identity: PLATFORM },
  );
  expect(reply).toMatchObject({ allowed: true, bindings: [{ volumeId: volume.id, namespace, pvcName, pvName }] });
  const pvcs = await h.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: `dv.platform/volume-id=${volume.id}` });
  expect(pvcs.items.map((p) => p.metadata?.name)).toEqual([pvcName]);
  const pvs = await h.core.listPersistentVolume({ labelSelector: `dv.platform/volume-id=${volume.id},app.kubernetes.io/managed-by=dv-workload-admission` });
  expect(pvs.items.map((p) => p.metadata?.name)).toEqual([pvName]);
  expect(await announced()).toBe(1);
}, 90_000);

import {
  AdmissionEvents,
  AdmissionRpc,
  DATA_VOLUMES_ANNOTATION,
  type DataVolume,
  DvError,
  STREAMS,
  VolumeRpc,
  VolumeUsageRpc,
  WorkloadEvents,
} from '@dv/contracts';
import { copyNames } from '@dv/kube';
import { KUBE_WEBHOOK_CLIENT_NAME, createCertificateAuthority, httpRequest, issueClientCertificate, waitFor } from '@dv/testing';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { DiscardPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ADMISSION_REVIEW_LABEL } from '../src/review/review-label';
import { AdmissionHarness } from './admission-harness';

/**
 * The webhook through the real kube-apiserver: workloads created by Kubernetes users with the
 * data-volumes annotation come back stored with the read-only mount in every pod description;
 * a volume not shared with the project is refused with our reason; the binding is made once per
 * namespace; objects a controller makes and updates get the read-only guard only, and an update may
 * not change the annotation; usage blocks deletion until the workloads are gone (objects deleted
 * without an event included); unsharing removes the binding; when JetStream cannot store the
 * decision, nothing is admitted.
 */
const h = new AdmissionHarness();
const ALICE = 'alice@acme.example'; // L1 researcher in p2
const BOB = 'bob@acme.example'; // L2 researcher in p2
const DEPLOYMENT_CONTROLLER = 'system:serviceaccount:kube-system:deployment-controller';
const SERVICE = { subjectId: 'volume', subjectType: 'service-account' as const };
let shared: DataVolume; // shared with department d1 (so usable in p2)
let privateVolume: DataVolume; // p1 only
let places: DataVolume; // shared with project p2: for the objects deleted without an event
let nsB: string;

type Obj = KubernetesObject & { spec?: unknown };

beforeAll(async () => {
  // Usage answers check webhook-admitted objects in the API at once (in production: after a minute).
  await h.startPlatform({ webhook: true, admissionEnv: { ADMISSION_USAGE_VERIFY_AFTER_MS: '0' } });
  nsB = h.namespaceOf('p2');
  await h.kubeUsers([ALICE, BOB, DEPLOYMENT_CONTROLLER]);
  await h.grant('user', ALICE, 5, 'project', 'p2');
  await h.grant('user', BOB, 8, 'project', 'p2');
  [shared, privateVolume, places] = await Promise.all([h.readyVolume('imagenet'), h.readyVolume('payroll'), h.readyVolume('places')]);
  await h.share(shared.id, { add: [{ scopeType: 'department', scopeId: 'd1' }] });
  await h.share(places.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
  // The API server picks new webhook configurations up within a moment: wait until ours answers.
  await waitFor(
    async () => {
      const refused = await h
        .as(ALICE)
        .create(pod(`probe-${Date.now()}`, 'not json'))
        .then(() => false)
        .catch((e: unknown) => String((e as { body?: string }).body ?? e).includes('INVALID_ANNOTATION'));
      return refused || undefined;
    },
    { timeoutMs: 30_000, intervalMs: 300, what: 'the webhook to be called' },
  );
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

const annotation = (volumeId: string, mountPath = '/data'): string => JSON.stringify([{ id: volumeId, mountPath }]);
const container = (name: string) => ({ name, image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] });
const podSpec = (restartPolicy = 'Never') => ({ restartPolicy, containers: [container('main')], volumes: [{ name: 'scratch', emptyDir: {} }] });
const meta = (name: string, value: string) => ({ name, namespace: nsB, annotations: { [DATA_VOLUMES_ANNOTATION]: value } });

function pod(name: string, value: string): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(name, value), spec: { ...podSpec(), initContainers: [container('fetch')] } };
}

/** Every workload the issue names, each with where its pod specs are. */
function workloads(value: string): { obj: Obj; podSpecs: (stored: Obj) => unknown[] }[] {
  const template = () => ({ metadata: { labels: { app: 'x' } }, spec: podSpec() });
  return [
    { obj: pod('trainer', value), podSpecs: (o) => [at(o, 'spec')] },
    {
      obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('etl', value), spec: { template: template() } },
      podSpecs: (o) => [at(o, 'spec', 'template', 'spec')],
    },
    {
      obj: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta('nightly', value),
        spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: template() } } },
      },
      podSpecs: (o) => [at(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec')],
    },
    {
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('serve', value),
        spec: { selector: { matchLabels: { app: 'x' } }, template: { ...template(), spec: podSpec('Always') } },
      },
      podSpecs: (o) => [at(o, 'spec', 'template', 'spec')],
    },
    {
      obj: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        metadata: meta('resnet', value),
        spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: template() }, Worker: { replicas: 3, template: template() } } },
      },
      podSpecs: (o) => [at(o, 'spec', 'pytorchReplicaSpecs', 'Master', 'template', 'spec'), at(o, 'spec', 'pytorchReplicaSpecs', 'Worker', 'template', 'spec')],
    },
    {
      obj: {
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        metadata: meta('ray', value),
        spec: {
          headGroupSpec: { rayStartParams: {}, template: template() },
          workerGroupSpecs: [{ groupName: 'gpu', replicas: 2, rayStartParams: {}, template: template() }],
        },
      },
      podSpecs: (o) => [at(o, 'spec', 'headGroupSpec', 'template', 'spec'), at(o, 'spec', 'workerGroupSpecs', 0, 'template', 'spec')],
    },
  ];
}

/** The value at a path of keys and indexes (undefined where it stops). */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let here = value;
  for (const key of path) here = typeof here === 'object' && here !== null ? (here as Record<string | number, unknown>)[key] : undefined;
  return here;
}

function expectMounted(spec: unknown, claimName: string, volumeName: string, mountPath: string): void {
  expect(spec).toBeDefined();
  const p = spec as { volumes: unknown[]; containers: { volumeMounts: unknown[] }[]; initContainers?: { volumeMounts: unknown[] }[] };
  expect(p.volumes).toEqual([
    { name: 'scratch', emptyDir: {} },
    { name: volumeName, persistentVolumeClaim: { claimName, readOnly: true } },
  ]);
  for (const c of [...p.containers, ...(p.initContainers ?? [])]) {
    expect(c.volumeMounts).toEqual([
      { name: 'scratch', mountPath: '/scratch' },
      { name: volumeName, mountPath, readOnly: true },
    ]);
  }
}

async function kubeError(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: number; body?: string };
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as { message?: string }) : {};
    return { code: e.code ?? 0, message: body.message ?? String(error) };
  }
  throw new Error('expected the API server to refuse');
}

describe('the mutating webhook', () => {
  it('stores a Pod, Job, CronJob, Deployment, PyTorchJob, RayCluster and Argo Workflow with the read-only mount, binding the volume once in the namespace', async () => {
    const { pvcName, pvName } = copyNames(shared.id, shared.name, nsB);
    const volumeName = `dv-${shared.id.replace(/-/g, '').slice(0, 8)}-${shared.name}`;
    const alice = h.as(ALICE);
    for (const { obj, podSpecs } of workloads(annotation(shared.id))) {
      await alice.create(obj);
      const stored = (await alice.read({
        apiVersion: obj.apiVersion ?? '',
        kind: obj.kind ?? '',
        metadata: { name: obj.metadata?.name ?? '', namespace: nsB },
      })) as Obj;
      const specs = podSpecs(stored);
      expect(specs.length).toBeGreaterThan(0);
      for (const spec of specs) expectMounted(spec, pvcName, volumeName, '/data');
    }
    const workflow: Obj = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: meta('preprocess', annotation(shared.id, '/datasets/imagenet')),
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', container: { image: 'python:3.12', command: ['python', 'prep.py'] } },
          { name: 'report', script: { image: 'python:3.12', source: 'print(1)' } },
        ],
      },
    };
    await alice.create(workflow);
    const wf = (await alice.read({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'preprocess', namespace: nsB } })) as Obj;
    const wfSpec = wf.spec as { volumes: unknown[]; templates: { container?: { volumeMounts: unknown[] }; script?: { volumeMounts: unknown[] } }[] };
    expect(wfSpec.volumes).toEqual([{ name: volumeName, persistentVolumeClaim: { claimName: pvcName, readOnly: true } }]);
    expect(wfSpec.templates[0]?.container?.volumeMounts).toEqual([{ name: volumeName, mountPath: '/datasets/imagenet', readOnly: true }]);
    expect(wfSpec.templates[1]?.script?.volumeMounts).toEqual([{ name: volumeName, mountPath: '/datasets/imagenet', readOnly: true }]);

    // One binding in the namespace however many workloads use it: the PVC bound to the volume's PV copy.
    const pvcs = await h.core.listNamespacedPersistentVolumeClaim({ namespace: nsB, labelSelector: `dv.platform/volume-id=${shared.id}` });
    expect(pvcs.items.map((p) => [p.metadata?.name, p.spec?.volumeName, p.spec?.accessModes])).toEqual([[pvcName, pvName, ['ReadOnlyMany']]]);
    const pv = await h.core.readPersistentVolume({ name: pvName });
    expect(pv.spec?.claimRef).toMatchObject({ namespace: nsB, name: pvcName });
    expect(pv.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.spec?.nfs).toEqual({ server: '10.0.0.10', path: '/exports/imagenet' });
  }, 120_000);

  it("rejects an L2 researcher's workload asking for a volume not shared with the project, with our reason, and stores nothing", async () => {
    const refused = await kubeError(h.as(BOB).create(pod('sneaky', annotation(privateVolume.id))));
    expect(refused.code).toBe(403);
    expect(refused.message).toContain('[NOT_SHARED]');
    expect(refused.message).toContain(privateVolume.id);
    const missing = await kubeError(h.as(BOB).read({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sneaky', namespace: nsB } }));
    expect(missing.code).toBe(404);
    const pvcs = await h.core.listNamespacedPersistentVolumeClaim({ namespace: nsB, labelSelector: `dv.platform/volume-id=${privateVolume.id}` });
    expect(pvcs.items).toEqual([]);
  });

  it('refuses a mount path that collides with an existing mount, and a malformed annotation, naming the problem', async () => {
    const collision = await kubeError(h.as(ALICE).create(pod('clash', annotation(shared.id, '/scratch/'))));
    expect(collision.message).toContain('[MOUNT_PATH_COLLISION]');
    const relative = await kubeError(h.as(ALICE).create(pod('relative', annotation(shared.id, 'data'))));
    expect(relative.message).toContain('[INVALID_ANNOTATION]');
    expect(relative.message).toContain('absolute path');
    const twice = await kubeError(
      h.as(ALICE).create(
        pod(
          'twice',
          JSON.stringify([
            { id: shared.id, mountPath: '/a' },
            { id: shared.id, mountPath: '/b' },
          ]),
        ),
      ),
    );
    expect(twice.message).toContain('requested twice');
  });

  it('refuses a workload that names the binding PVC directly unless it mounts it read-only', async () => {
    const { pvcName } = copyNames(shared.id, shared.name, nsB);
    const direct = (name: string, readOnly: boolean): Obj => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: nsB },
      spec: {
        containers: [{ name: 'main', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data', readOnly }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: pvcName, readOnly } }],
      },
    });
    const refused = await kubeError(h.as(BOB).create(direct('writer', false)));
    expect(refused.code).toBe(403);
    expect(refused.message).toContain('[NOT_READ_ONLY]');
    expect(refused.message).toContain(pvcName);
    await h.as(BOB).create(direct('reader', true));
  });

  it('lets workloads without the annotation through untouched', async () => {
    const plain: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain', namespace: nsB }, spec: podSpec() };
    await h.as(BOB).create(plain);
    const stored = (await h.as(BOB).read({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain', namespace: nsB } })) as Obj;
    expect((stored.spec as { volumes: unknown[] }).volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
  });

  it('answers malformed AdmissionReview bodies with a clear 400 or a denial, never a crash', async () => {
    const url = `https://127.0.0.1:${h.webhookPort}/mutate`;
    const post = (body: string) =>
      httpRequest(url, { method: 'POST', body, ca: h.webhookCaPem, ...h.apiServerClient, headers: { 'Content-Type': 'application/json' } });
    const notJson = await post('{not json');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ code: 'VALIDATION_FAILED' });
    const wrongShape = await post(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u-1', operation: 'CREATE' } }));
    expect(wrongShape.status).toBe(200);
    expect(JSON.parse(wrongShape.body)).toMatchObject({ response: { uid: 'u-1', allowed: false, status: { code: 400 } } });
    const huge = await post(JSON.stringify({ padding: 'x'.repeat(4 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const get = await httpRequest(url, { ca: h.webhookCaPem, ...h.apiServerClient });
    expect(get.status).toBe(404);
    // Still serving.
    const stillUp = await post(
      JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: { uid: 'u-2', kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'DELETE', userInfo: { username: 'x' } },
      }),
    );
    expect(JSON.parse(stillUp.body)).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u-2', allowed: true } });
  });

  it('answers only the API server: a forged AdmissionReview without its client certificate is refused (401) and writes nothing', async () => {
    const uid = randomUUID();
    const forged = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: { group: '', version: 'v1', kind: 'Pod' },
        namespace: nsB,
        operation: 'CREATE',
        userInfo: { username: ALICE, groups: [] },
        object: pod('forged', annotation(places.id)),
      },
    };
    const url = `https://127.0.0.1:${h.webhookPort}/mutate`;
    const send = (client: { cert?: string; key?: string }) =>
      httpRequest(url, { method: 'POST', body: JSON.stringify(forged), ca: h.webhookCaPem, ...client, headers: { 'Content-Type': 'application/json' } });
    const anonymous = await send({});
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('only the Kubernetes API server') });
    // A client certificate of some other CA is no better.
    const dir = await mkdtemp(join(tmpdir(), 'dv-forger-'));
    try {
      const ca = await createCertificateAuthority(dir, 'forger-ca');
      const impostor = await issueClientCertificate(ca, dir, { name: 'impostor', commonName: KUBE_WEBHOOK_CLIENT_NAME });
      const signedElsewhere = await send({ cert: impostor.certPem, key: impostor.keyPem });
      expect(signedElsewhere.status).toBe(401);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Nothing was decided, published or recorded for it.
    await h.settled();
    const usage = await h.client.call(AdmissionRpc.usage, { volumeId: places.id }, { identity: SERVICE });
    expect(usage.workloads.map((w) => w.name)).not.toContain('forged');
    const consumer = await jetstream(h.nc).consumers.get(STREAMS.domain.name, { filter_subjects: 'dv.evt.workload.>' });
    const pending = (await consumer.info()).num_pending;
    const requestIds: (string | undefined)[] = [];
    if (pending > 0) {
      for await (const m of await consumer.fetch({ max_messages: pending, expires: 5000 })) {
        requestIds.push(m.json<{ requestid?: string }>().requestid);
        if (requestIds.length >= pending) break;
      }
    }
    expect(requestIds).not.toContain(uid);
  });

  it('refuses an AmlJob asking for a data volume clearly (its rule is registered; no public schema to patch)', async () => {
    // The bed has no AmlJob CRD, so the API server's call is played directly (with its client certificate).
    const amlJob = {
      apiVersion: 'amlarc.azureml.com/v1alpha1',
      kind: 'AmlJob',
      metadata: { name: 'aml', namespace: nsB, annotations: { [DATA_VOLUMES_ANNOTATION]: annotation(shared.id) } },
      spec: {},
    };
    const request = {
      uid: 'u-aml',
      kind: { group: 'amlarc.azureml.com', version: 'v1alpha1', kind: 'AmlJob' },
      namespace: nsB,
      operation: 'CREATE',
      userInfo: { username: ALICE, groups: [] },
      object: amlJob,
    };
    const answer = await httpRequest(`https://127.0.0.1:${h.webhookPort}/mutate`, {
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }),
      ca: h.webhookCaPem,
      ...h.apiServerClient,
      headers: { 'Content-Type': 'application/json' },
    });
    const response = (JSON.parse(answer.body) as { response: { allowed: boolean; status?: { code: number; message: string } } }).response;
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.status?.message).toContain('[KIND_NOT_SUPPORTED]');
    expect(response.status?.message).toContain('AmlJob');
  });

  it('does not review what a controller makes from a reviewed object, but still guards its direct PVC references', async () => {
    const deployment = (await h.as(ALICE).read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'serve', namespace: nsB } })) as Obj & {
      spec: { template: unknown };
    };
    const { pvcName } = copyNames(shared.id, shared.name, nsB);
    // What the Deployment controller creates: a ReplicaSet owned by it, with its annotations and its (patched) template.
    const replicaSet = (name: string, template: unknown): Obj => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: nsB,
        annotations: deployment.metadata?.annotations ?? {},
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'serve', uid: deployment.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template },
    });
    const controller = h.as(DEPLOYMENT_CONTROLLER);
    await controller.create(replicaSet('serve-5d4f8', deployment.spec.template));
    const stored = (await controller.read({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'serve-5d4f8', namespace: nsB } })) as Obj & {
      spec: { template: unknown };
    };
    expect(stored.spec.template).toEqual(deployment.spec.template); // untouched: no second mount, no denial
    expect(stored.metadata?.labels?.[ADMISSION_REVIEW_LABEL]).toBeUndefined();

    const writable = {
      metadata: { labels: { app: 'x' } },
      spec: {
        containers: [{ name: 'main', image: 'busybox', volumeMounts: [{ name: 'd', mountPath: '/d' }] }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: pvcName } }],
      },
    };
    const refused = await kubeError(controller.create(replicaSet('serve-writer', writable)));
    expect(refused.code).toBe(403);
    expect(refused.message).toContain('[NOT_READ_ONLY]');
  });

  it('lets plain updates through, refuses one that changes the annotation, and one that mounts a data volume PVC read-write', async () => {
    const alice = h.as(ALICE);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'serve', namespace: nsB } };
    // Strategic merge, as kubectl does: lists of containers and volumes are merged by name.
    const merge = (body: Record<string, unknown>) =>
      alice.patch({ ...ref, ...body } as Obj, undefined, undefined, undefined, undefined, PatchStrategy.StrategicMergePatch);
    await merge({ spec: { replicas: 3 } });
    await merge({ spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] } } } });
    const scaled = (await alice.read(ref)) as Obj & { spec: { replicas: number } };
    expect(scaled.spec.replicas).toBe(3);

    const changed = await kubeError(merge({ metadata: { ...ref.metadata, annotations: { [DATA_VOLUMES_ANNOTATION]: annotation(shared.id, '/elsewhere') } } }));
    expect(changed.code).toBe(403);
    expect(changed.message).toContain('[ANNOTATION_IMMUTABLE]');
    const { pvcName } = copyNames(shared.id, shared.name, nsB);
    const writer = await kubeError(
      merge({
        spec: {
          template: {
            spec: {
              containers: [{ name: 'main', image: 'busybox', volumeMounts: [{ name: 'rw', mountPath: '/rw' }] }],
              volumes: [{ name: 'rw', persistentVolumeClaim: { claimName: pvcName } }],
            },
          },
        },
      }),
    );
    expect(writer.message).toContain('[NOT_READ_ONLY]');
    const after = (await alice.read(ref)) as Obj;
    expect(after.metadata?.annotations?.[DATA_VOLUMES_ANNOTATION]).toBe(annotation(shared.id));
  });
});

describe('usage and release', () => {
  it('records the admitted workloads as users of the volume, refuses to delete it, and releases them on the workload events; unsharing then removes the binding', async () => {
    const names = ['trainer', 'etl', 'nightly', 'serve', 'resnet', 'ray', 'preprocess'];
    const usage = await waitFor(
      async () => {
        const u = await h.client.call(VolumeUsageRpc.usage, { volumeId: shared.id }, { identity: SERVICE });
        return u.workloads.length === names.length ? u : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'usage of every admitted workload' },
    );
    expect(usage.inUse).toBe(true);
    expect(usage.workloads.map((w) => w.name).sort()).toEqual([...names].sort());
    await expect(h.client.call(VolumeRpc.delete, { id: shared.id }, { identity: { subjectId: 'root', subjectType: 'user' } })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });

    const kinds: Record<string, string> = {
      trainer: 'Pod',
      etl: 'Job',
      nightly: 'CronJob',
      serve: 'Deployment',
      resnet: 'PyTorchJob',
      ray: 'RayCluster',
      preprocess: 'Workflow',
    };
    for (const name of names) {
      await h.org(WorkloadEvents.deleted, { workloadId: `w-${name}`, name, kind: kinds[name], projectId: 'p2', namespace: nsB }, `w-${name}`);
    }
    await waitFor(async () => ((await h.client.call(VolumeUsageRpc.usage, { volumeId: shared.id }, { identity: SERVICE })).inUse ? undefined : true), {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: 'usage released',
    });

    // Still shared with d1: the binding stays (reused by the next workload). Unshared: it goes.
    const { pvcName, pvName } = copyNames(shared.id, shared.name, nsB);
    expect((await h.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace: nsB })).metadata?.name).toBe(pvcName);
    await h.share(shared.id, { remove: [{ scopeType: 'department', scopeId: 'd1' }] });
    await waitFor(
      async () => {
        const left = await h.core.listNamespacedPersistentVolumeClaim({ namespace: nsB, labelSelector: `dv.platform/volume-id=${shared.id}` });
        return left.items.length === 0 ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 300, what: 'the binding PVC to be removed' },
    );
    // The PV copy goes right after its PVC (the removal deletes them in that order).
    await waitFor(
      async () =>
        await h.core.readPersistentVolume({ name: pvName }).then(
          () => undefined,
          (e: unknown) => ((e as { code?: number }).code === 404 ? true : undefined),
        ),
      {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: 'the binding PV copy to be removed',
      },
    );
  }, 90_000);

  it('finds an object created with generateName by its review label, and releases objects deleted without an event', async () => {
    const alice = h.as(ALICE);
    const generated = await alice.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'gen-', namespace: nsB, annotations: { [DATA_VOLUMES_ANNOTATION]: annotation(places.id) } },
      spec: podSpec(),
    } as Obj);
    const generatedName = generated.metadata?.name ?? '';
    expect(generatedName).toMatch(/^gen-/);
    expect(generated.metadata?.labels?.[ADMISSION_REVIEW_LABEL]).toMatch(/^[0-9a-f-]{36}$/);
    await alice.create(pod('short-lived', annotation(places.id)));
    const usage = await waitFor(
      async () => {
        const u = await h.client.call(VolumeUsageRpc.usage, { volumeId: places.id }, { identity: SERVICE });
        return u.workloads.length === 2 ? u : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'usage of both pods' },
    );
    // The generateName record now carries the name Kubernetes gave the object.
    expect(usage.workloads.map((w) => w.name).sort()).toEqual([generatedName, 'short-lived'].sort());

    // Deleted in Kubernetes, and the platform says nothing: the usage answer finds them gone.
    for (const name of [generatedName, 'short-lived']) await alice.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: nsB } });
    const after = await h.client.call(VolumeUsageRpc.usage, { volumeId: places.id }, { identity: SERVICE });
    expect(after).toEqual({ inUse: false, workloads: [] });
    expect((await h.client.call(AdmissionRpc.usage, { volumeId: places.id }, { identity: SERVICE })).workloads).toEqual([]);
  });

  it('publishes every admitted and denied review, and the binding made and removed, as events', async () => {
    // One filter, as a string (the operator may create only named consumers); the types are counted below.
    const consumer = await jetstream(h.nc).consumers.get(STREAMS.domain.name, { filter_subjects: 'dv.evt.>' });
    const pending = (await consumer.info()).num_pending;
    const types: string[] = [];
    const messages = await consumer.fetch({ max_messages: pending, expires: 5000 });
    for await (const m of messages) {
      types.push(m.subject);
      if (types.length >= pending) break;
    }
    expect(types.filter((t) => t === AdmissionEvents.admitted.type)).toHaveLength(9); // 7 kinds; 2 pods of places
    // not shared; the probe's, the relative path's and the duplicate's bad annotations; mount path collision; writable direct
    // reference; AmlJob; the controller's writable ReplicaSet; the annotation update; the read-write template update
    expect(types.filter((t) => t === AdmissionEvents.denied.type)).toHaveLength(10);
    expect(types.filter((t) => t === AdmissionEvents.bindingCreated.type)).toHaveLength(2);
    expect(types.filter((t) => t === AdmissionEvents.bindingRemoved.type)).toHaveLength(1);
  });

  it('counts reviews, reasons and bindings on /metrics', async () => {
    const port = h.processes.get('workload-admission')?.[0]?.healthPort;
    const metrics = (await httpRequest(`http://127.0.0.1:${port ?? 0}/metrics`)).body;
    const value = (name: string, labels: string): number => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
      return line ? Number(line.split(' ').pop()) : Number.NaN;
    };
    expect(value('dv_admission_reviews_total', 'via="webhook",outcome="admitted"')).toBe(9);
    expect(value('dv_admission_reviews_total', 'via="webhook",outcome="denied"')).toBe(10);
    expect(value('dv_admission_denial_reasons_total', 'code="NOT_SHARED"')).toBe(1);
    expect(value('dv_admission_denial_reasons_total', 'code="INVALID_ANNOTATION"')).toBe(3);
    expect(value('dv_admission_bindings_total', 'action="created"')).toBe(2);
    expect(value('dv_admission_bindings_total', 'action="removed"')).toBe(1);
  });
});

describe('when JetStream cannot store the decision', () => {
  it('admits nothing: the review answers UNAVAILABLE and the webhook refuses with REVIEW_FAILED', async () => {
    // The stream takes no more messages (discard new at its current size), as a full or unavailable stream would.
    // Only the provisioner may change a stream (no service can).
    const jsm = await jetstreamManager(await h.connectAs('provisioner'));
    const info = await jsm.streams.info(STREAMS.domain.name);
    await jsm.streams.update(STREAMS.domain.name, { max_msgs: info.state.messages, discard: DiscardPolicy.New });
    try {
      const error = await h.client
        .call(
          AdmissionRpc.review,
          {
            projectId: 'p2',
            workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unrecorded' }, spec: podSpec() },
            subject: { subjectId: ALICE, subjectType: 'user' },
            dataVolumes: [{ id: places.id, mountPath: '/data' }],
          },
          { identity: { subjectId: 'workloads', subjectType: 'service-account' } },
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(DvError);
      expect((error as DvError).code).toBe('UNAVAILABLE');
      const refused = await kubeError(h.as(ALICE).create(pod('unrecorded', annotation(places.id))));
      expect(refused.message).toContain('[REVIEW_FAILED]');
      expect(refused.message).toContain('could not be recorded');
      await expect(h.as(ALICE).read({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unrecorded', namespace: nsB } })).rejects.toMatchObject({ code: 404 });
    } finally {
      await jsm.streams.update(STREAMS.domain.name, { max_msgs: info.config.max_msgs, discard: info.config.discard });
    }
    const port = h.processes.get('workload-admission')?.[0]?.healthPort;
    const metrics = (await httpRequest(`http://127.0.0.1:${port ?? 0}/metrics`)).body;
    expect(metrics).toContain('dv_admission_unrecorded_decisions_total{type="dv.evt.workload.admitted.v1"} 2');
  });
});

import { AdmissionRpc, AuthzRpc, type DataVolume, DvError, type Revision, type RpcReply, VolumeRpc, VolumeUsageRpc, WorkloadEvents } from '@dv/contracts';
import { HARNESS_ROOT, httpRequest, waitFor } from '@dv/testing';
import { copyNames } from '@dv/kube';
import { AdmissionHarness } from './admission-harness';

/**
 * Reviews over NATS (the platform's workload service asking, as a service account): the seed's roles
 * decide who may attach a data volume in a project; every denial reason is given; native workloads
 * get their PVC entries; a share is seen at once, with or without its revision; usage is one record
 * per workload, in whatever order admissions and releases arrive; bad input is a typed error that
 * changes nothing.
 */
const h = new AdmissionHarness();
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
let shared: DataVolume; // shared with project p2
let notShared: DataVolume;
let revision: Revision;

/**
 * What each seed role may attach, written out here from the reference's permission matrix (a Pod
 * needs workloads:create and datavolumes:read in the project; a native Training trainings:create and
 * datavolumes:read). Not read from authz's roles.json: a change there that alters who may attach a
 * volume must fail this test, not move its expectation along with it.
 */
const ROLES: readonly { id: number; name: string; pod: boolean; training: boolean }[] = [
  { id: 1, name: 'System administrator', pod: true, training: true },
  { id: 3, name: 'Editor', pod: true, training: true },
  { id: 4, name: 'Research manager', pod: false, training: true },
  { id: 5, name: 'L1 researcher', pod: true, training: true },
  { id: 6, name: 'ML engineer', pod: false, training: false },
  { id: 7, name: 'Viewer', pod: false, training: false },
  { id: 8, name: 'L2 researcher', pod: true, training: true },
  { id: 9, name: 'Environment administrator', pod: false, training: false },
  { id: 10, name: 'Data source administrator', pod: false, training: false },
  { id: 11, name: 'Compute resource administrator', pod: false, training: false },
  { id: 12, name: 'Template administrator', pod: false, training: false },
  { id: 13, name: 'Department viewer', pod: false, training: false },
  { id: 373, name: 'Credentials administrator', pod: false, training: false },
  { id: 1708, name: 'Application administrator', pod: true, training: true },
  { id: 1709, name: 'Cloud support', pod: false, training: false },
  { id: 1710, name: 'Department administrator', pod: true, training: true },
  { id: 1711, name: 'Cloud operator', pod: false, training: false },
  { id: 2256, name: 'Data volume administrator', pod: false, training: false },
];

beforeAll(async () => {
  await h.startPlatform({ webhook: false });
  [shared, notShared] = await Promise.all([h.readyVolume('coco'), h.readyVolume('secret')]);
  revision = await h.share(shared.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
  for (const role of ROLES) {
    const granted = await h.grant('user', `user-${role.id}`, role.id, 'project', 'p2');
    revision = { ...revision, events: Math.max(revision.events ?? 0, granted.revision.events ?? 0) };
  }
  await h.grant('user', 'rita', 5, 'project', 'p2').then((g) => (revision = { ...revision, events: Math.max(revision.events ?? 0, g.revision.events ?? 0) }));
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    containers: [{ name: 'main', image: 'busybox', volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }],
    volumes: [{ name: 'cache', emptyDir: {} }],
  },
});

async function review(
  request: Record<string, unknown>,
  identity: { subjectId: string; subjectType: 'user' | 'service-account' } = PLATFORM,
): Promise<RpcReply<typeof AdmissionRpc.review>> {
  return h.client.call(AdmissionRpc.review, { projectId: 'p2', atLeast: revision, ...request } as never, { identity });
}

async function failure(promise: Promise<unknown>): Promise<DvError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DvError) return error;
    throw error;
  }
  throw new Error('expected a typed error');
}

describe('the seed roles', () => {
  it('are exactly the roles of the table, as authz lists them', async () => {
    const listed = await h.client.call(AuthzRpc.listRoles, { limit: 100, sortBy: 'id', columns: ['name'] }, { identity: HARNESS_ROOT });
    expect(listed.roles.map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.id - b.id)).toEqual(ROLES.map((r) => ({ id: r.id, name: r.name })));
  });

  // Attaching a data volume to a third-party workload needs workloads:create and datavolumes:read in the project.
  it.each(ROLES.map((r) => [r.name, r] as const))(
    '%s may attach a volume to a Pod in its project exactly when it may create workloads and read data volumes',
    async (_name, role) => {
      const reply = await review({
        workload: pod(`p-${role.id}`),
        subject: { subjectId: `user-${role.id}`, subjectType: 'user' },
        dataVolumes: [{ id: shared.id, mountPath: '/data' }],
        dryRun: true,
      });
      expect(reply.allowed).toBe(role.pod);
      if (!role.pod) expect(reply.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['NOT_PERMITTED']));
      else expect(reply.reasons).toEqual([]);
    },
  );

  it.each(ROLES.map((r) => [r.name, r] as const))(
    '%s may attach a volume to a native Training exactly when it may create trainings and read data volumes',
    async (_name, role) => {
      const training = { kind: 'Training', name: `t-${role.id}`, spec: { image: 'pytorch', storage: { dataVolume: [{ id: shared.id, mountPath: '/data' }] } } };
      const reply = await review({ workload: training, subject: { subjectId: `user-${role.id}`, subjectType: 'user' }, dryRun: true });
      expect(reply.allowed).toBe(role.training);
    },
  );
});

describe('reviews', () => {
  it('admits a native workspace: the PVC entry is added to its storage, and the binding is made in the project namespace', async () => {
    const workspace = {
      kind: 'Workspace',
      name: 'notebook',
      spec: { image: 'jupyter', storage: { dataVolume: [{ id: shared.id, mountPath: '/datasets/coco' }] } },
    };
    const reply = await review({ workload: workspace, subject: { subjectId: 'rita', subjectType: 'user' }, workloadId: 'w-notebook' });
    const { pvcName, pvName } = copyNames(shared.id, shared.name, h.namespaceOf('p2'));
    expect(reply).toMatchObject({ allowed: true, reasons: [], bindings: [{ volumeId: shared.id, namespace: h.namespaceOf('p2'), pvcName, pvName }] });
    expect(reply.patch).toEqual([
      { op: 'add', path: '/spec/storage/pvc', value: [{ claimName: pvcName, path: '/datasets/coco', readOnly: true, dataVolumeId: shared.id }] },
    ]);
    expect(reply.workload).toEqual({
      ...workspace,
      spec: {
        ...workspace.spec,
        storage: { ...workspace.spec.storage, pvc: [{ claimName: pvcName, path: '/datasets/coco', readOnly: true, dataVolumeId: shared.id }] },
      },
    });
    const pvc = await h.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace: h.namespaceOf('p2') });
    expect(pvc.spec?.volumeName).toBe(pvName);
  });

  it('shows data volume administrators who uses a volume and where it is bound; nobody else', async () => {
    const { pvcName, pvName } = copyNames(shared.id, shared.name, h.namespaceOf('p2'));
    const usage = await waitFor(
      async () => {
        const u = await h.client.call(AdmissionRpc.usage, { volumeId: shared.id }, { identity: HARNESS_ROOT });
        return u.workloads.length > 0 ? u : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the usage of the admitted workspace' },
    );
    expect(usage.workloads).toEqual([{ kind: 'Workspace', name: 'notebook', namespace: h.namespaceOf('p2'), projectId: 'p2', workloadId: 'w-notebook' }]);
    expect(usage.bindings).toEqual([
      { volumeId: shared.id, namespace: h.namespaceOf('p1'), pvcName: shared.status.datavolumePvcName },
      { volumeId: shared.id, namespace: h.namespaceOf('p2'), pvcName, pvName },
    ]);
    // An L1 researcher in p2 may read data volumes in p2, not in the volume's origin project p1.
    expect((await failure(h.client.call(AdmissionRpc.usage, { volumeId: shared.id }, { identity: { subjectId: 'rita', subjectType: 'user' } }))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('in the origin project mounts the volume’s own PVC and makes no binding', async () => {
    const reply = await review({
      projectId: 'p1',
      workload: pod('origin'),
      subject: { subjectId: 'root', subjectType: 'user' },
      dataVolumes: [{ id: notShared.id, mountPath: '/data' }],
    });
    expect(reply.allowed).toBe(true);
    expect(reply.bindings).toEqual([{ volumeId: notShared.id, namespace: h.namespaceOf('p1'), pvcName: notShared.status.datavolumePvcName }]);
  });

  it('gives every reason at once: not permitted, not shared, not found, collision', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const reply = await review({
      workload: pod('many'),
      subject: { subjectId: 'user-7', subjectType: 'user' }, // Viewer: may not create workloads
      dataVolumes: [
        { id: notShared.id, mountPath: '/secret' },
        { id: missing, mountPath: '/missing' },
        { id: shared.id, mountPath: '/cache' },
      ],
    });
    expect(reply.allowed).toBe(false);
    expect(reply.reasons.map((r) => [r.code, r.volumeId ?? null])).toEqual(
      expect.arrayContaining([
        ['NOT_PERMITTED', null],
        ['NOT_SHARED', notShared.id],
        ['VOLUME_NOT_FOUND', missing],
        ['MOUNT_PATH_COLLISION', shared.id],
      ]),
    );
    expect(reply.workload).toBeUndefined();
  });

  it('denies a mount list that repeats a volume or a path (MOUNT_PATH_COLLISION), making nothing', async () => {
    const before = await h.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: 'app.kubernetes.io/managed-by=dv-workload-admission' });
    const rita = { subjectId: 'rita', subjectType: 'user' };
    const twice = await review({
      workload: pod('twice'),
      subject: rita,
      dataVolumes: [
        { id: shared.id, mountPath: '/a' },
        { id: shared.id, mountPath: '/b' },
      ],
    });
    const samePath = await review({
      workload: pod('same-path'),
      subject: rita,
      dataVolumes: [
        { id: shared.id, mountPath: '/a' },
        { id: notShared.id, mountPath: '/a/' },
      ],
    });
    expect([twice.allowed, twice.reasons.map((r) => [r.code, r.volumeId, r.message])]).toEqual([
      false,
      [['MOUNT_PATH_COLLISION', shared.id, `data volume ${shared.id} is requested twice (also at index 0)`]],
    ]);
    expect([samePath.allowed, samePath.reasons.map((r) => [r.code, r.volumeId, r.message])]).toEqual([
      false,
      [['MOUNT_PATH_COLLISION', notShared.id, 'mount path /a is requested twice (also at index 0)']],
    ]);
    const nativeTwice = await review({
      workload: {
        kind: 'Workspace',
        name: 'twice',
        spec: {
          storage: {
            dataVolume: [
              { id: shared.id, mountPath: '/x' },
              { id: notShared.id, mountPath: '/x' },
            ],
          },
        },
      },
      subject: rita,
    });
    expect([nativeTwice.allowed, nativeTwice.reasons.map((r) => r.code)]).toEqual([false, ['MOUNT_PATH_COLLISION']]);
    expect([twice.bindings, samePath.bindings, twice.workload]).toEqual([[], [], undefined]);
    const after = await h.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: 'app.kubernetes.io/managed-by=dv-workload-admission' });
    expect(after.items.length).toBe(before.items.length);
  });

  it('refuses a volume that is not Ready', async () => {
    // A volume that mounts its origin PVC directly is NotReady once that PVC is gone.
    const fading = await h.readyVolume('fading', true);
    await h.core.deleteNamespacedPersistentVolumeClaim({ name: 'fading', namespace: h.namespaceOf('p1') });
    await waitFor(
      async () => ((await h.client.call(VolumeRpc.get, { id: fading.id }, { identity: HARNESS_ROOT })).status.phase === 'Ready' ? undefined : true),
      {
        timeoutMs: 30_000,
        intervalMs: 300,
        what: 'the volume to notice its origin PVC is gone',
      },
    );
    const reply = await waitFor(
      async () => {
        const r = await review({
          projectId: 'p1',
          workload: pod('pending'),
          subject: { subjectId: 'root', subjectType: 'user' },
          dataVolumes: [{ id: fading.id, mountPath: '/data' }],
          dryRun: true,
        });
        return r.allowed ? undefined : r;
      },
      { timeoutMs: 5000, intervalMs: 100, what: 'admission to learn the volume is not Ready' },
    );
    expect(reply.reasons).toEqual([expect.objectContaining({ code: 'VOLUME_NOT_READY', volumeId: fading.id })]);
  }, 60_000);

  it('refuses kinds it cannot patch safely, clearly', async () => {
    const aml = await review({
      workload: { apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'AmlJob', metadata: { name: 'a' }, spec: {} },
      subject: { subjectId: 'rita', subjectType: 'user' },
      dataVolumes: [{ id: shared.id, mountPath: '/data' }],
    });
    expect(aml.allowed).toBe(false);
    expect(aml.reasons.map((r) => r.code)).toEqual(['KIND_NOT_SUPPORTED']);
    const service = await review({
      workload: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} },
      subject: { subjectId: 'rita', subjectType: 'user' },
      dataVolumes: [{ id: shared.id, mountPath: '/data' }],
    });
    expect(service.reasons.map((r) => r.code)).toEqual(['KIND_NOT_SUPPORTED']);
  });

  it('refuses a project that does not exist', async () => {
    const reply = await review({
      projectId: 'p404',
      workload: pod('nowhere'),
      subject: { subjectId: 'rita', subjectType: 'user' },
      dataVolumes: [{ id: shared.id, mountPath: '/data' }],
    });
    expect(reply.allowed).toBe(false);
    expect(reply.reasons).toEqual([{ code: 'PROJECT_NOT_FOUND', message: 'project p404 does not exist (or has no namespace)' }]);
  });

  it('denies BINDING_FAILED when Kubernetes refuses the binding PVC, leaving nothing half-made, and binds once it can', async () => {
    const squatted = await h.readyVolume('squatted');
    const atLeast = await h.share(squatted.id, { add: [{ scopeType: 'project', scopeId: 'p3' }] });
    const granted = await h.grant('user', 'rita', 5, 'project', 'p3');
    const namespace = h.namespaceOf('p3');
    const { pvcName, pvName } = copyNames(squatted.id, squatted.name, namespace);
    // Somebody else's PVC holds the binding's name: the API server refuses ours (409, and it is not ours).
    await h.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: { metadata: { name: pvcName }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    });
    const request = {
      projectId: 'p3',
      atLeast: { ...atLeast, events: Math.max(atLeast.events ?? 0, granted.revision.events ?? 0) },
      workload: pod('squat'),
      subject: { subjectId: 'rita', subjectType: 'user' },
      dataVolumes: [{ id: squatted.id, mountPath: '/data' }],
    };
    const reply = await review(request);
    expect(reply.allowed).toBe(false);
    expect(reply.reasons).toEqual([expect.objectContaining({ code: 'BINDING_FAILED', volumeId: squatted.id })]);
    expect(reply.reasons[0]?.message).toContain('already exists');
    // The PV copy this attempt made is gone again; the squatter's PVC is untouched.
    await expect(h.core.readPersistentVolume({ name: pvName })).rejects.toMatchObject({ code: 404 });
    expect((await h.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace })).spec?.volumeName).toBeUndefined();

    await h.core.deleteNamespacedPersistentVolumeClaim({ name: pvcName, namespace });
    // No controller runs in the bed to drop the PVC protection finalizer: do it as it would.
    await h.core
      .patchNamespacedPersistentVolumeClaim({ name: pvcName, namespace, body: [{ op: 'remove', path: '/metadata/finalizers' }] })
      .catch(() => undefined);
    await waitFor(
      async () =>
        await h.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace }).then(
          () => undefined,
          () => true,
        ),
      { timeoutMs: 10_000, intervalMs: 100, what: 'the squatting PVC to go' },
    );
    const again = await review(request);
    expect(again).toMatchObject({ allowed: true, bindings: [{ volumeId: squatted.id, namespace, pvcName, pvName }] });
  });

  it('refuses a workload whose namespace is not its project’s', async () => {
    const reply = await review({
      workload: { ...pod('elsewhere'), metadata: { name: 'elsewhere', namespace: 'kube-system' } },
      subject: { subjectId: 'rita', subjectType: 'user' },
      dataVolumes: [{ id: shared.id, mountPath: '/data' }],
    });
    expect(reply.reasons.map((r) => r.code)).toContain('NAMESPACE_MISMATCH');
  });
});

describe('read your writes', () => {
  const rita = { subjectId: 'rita', subjectType: 'user' as const };

  it('admits a volume shared a moment ago: at the share’s revision, and without one', async () => {
    const [atRevision, withoutRevision] = await Promise.all([h.readyVolume('fresh-a'), h.readyVolume('fresh-b')]);
    const revisionOfShare = await h.share(atRevision.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
    const first = await h.client.call(
      AdmissionRpc.review,
      {
        projectId: 'p2',
        atLeast: revisionOfShare,
        workload: pod('fresh-a'),
        subject: rita,
        dataVolumes: [{ id: atRevision.id, mountPath: '/data' }],
        dryRun: true,
      },
      { identity: PLATFORM },
    );
    expect(first).toMatchObject({ allowed: true, reasons: [] });
    // Without a revision the review may reach this replica before the share does: a denial it could
    // owe to that lag is only given after catching up with the streams' heads.
    await h.share(withoutRevision.id, { add: [{ scopeType: 'project', scopeId: 'p2' }] });
    const second = await h.client.call(
      AdmissionRpc.review,
      { projectId: 'p2', workload: pod('fresh-b'), subject: rita, dataVolumes: [{ id: withoutRevision.id, mountPath: '/data' }], dryRun: true },
      { identity: PLATFORM },
    );
    expect(second).toMatchObject({ allowed: true, reasons: [] });
  });
});

describe("authz's answers, kept while nothing changes them", () => {
  const metric = async (source: string): Promise<number> => {
    const port = h.processes.get('workload-admission')?.[0]?.healthPort;
    const body = (await httpRequest(`http://127.0.0.1:${port ?? 0}/metrics`)).body;
    const line = body.split('\n').find((l) => l.startsWith(`dv_admission_permission_lookups_total{source="${source}"}`));
    return Number(line?.split(' ').pop() ?? 0);
  };

  it('asks authz once for repeated reviews of one subject in one project, and never admits after a revocation', async () => {
    const kim = { subjectId: 'kim', subjectType: 'user' as const };
    const grant = await h.grant('user', 'kim', 5, 'project', 'p2');
    const at = { ...revision, events: Math.max(revision.events ?? 0, grant.revision.events ?? 0) };
    const ask = (name: string, atLeast: Revision) =>
      h.client.call(
        AdmissionRpc.review,
        { projectId: 'p2', atLeast, workload: pod(name), subject: kim, dataVolumes: [{ id: shared.id, mountPath: '/data' }], dryRun: true },
        { identity: PLATFORM },
      );
    const [authzBefore, cacheBefore] = [await metric('authz'), await metric('cache')];
    for (let i = 0; i < 5; i++) expect(await ask(`kim-${i}`, at)).toMatchObject({ allowed: true });
    expect((await metric('authz')) - authzBefore).toBe(1);
    expect((await metric('cache')) - cacheBefore).toBe(4);

    // The rule goes: a review at the deletion's revision is denied at once (the cached yes is not used).
    const deleted = await h.client.call(AuthzRpc.deleteAccessRule, { id: grant.rule.id }, { identity: HARNESS_ROOT });
    const after = await ask('kim-after', { ...at, events: Math.max(at.events ?? 0, deleted.revision.events ?? 0) });
    expect(after.allowed).toBe(false);
    expect(after.reasons.map((r) => r.code)).toContain('NOT_PERMITTED');
    // And so is one without a revision, once the deletion has reached this replica (any review after it).
    const later = await h.client.call(
      AdmissionRpc.review,
      { projectId: 'p2', workload: pod('kim-later'), subject: kim, dataVolumes: [{ id: shared.id, mountPath: '/data' }], dryRun: true },
      { identity: PLATFORM },
    );
    expect(later.allowed).toBe(false);
  });
});

describe('usage records', () => {
  const rita = { subjectId: 'rita', subjectType: 'user' as const };
  const actor = { id: 'platform-publisher', type: 'system' } as const;
  const mount = () => [{ id: shared.id, mountPath: '/data' }];
  const usedBy = async (): Promise<{ name: string; workloadId?: string | undefined }[]> => {
    await h.settled();
    return (await h.client.call(AdmissionRpc.usage, { volumeId: shared.id }, { identity: HARNESS_ROOT })).workloads;
  };

  it('keeps one record per workload however often it is admitted, and releases it on the platform’s event', async () => {
    for (let i = 0; i < 3; i++) await review({ workload: pod('resubmitted'), subject: rita, dataVolumes: mount() });
    await review({ workload: pod('renamed-1'), workloadId: 'w-renamed', subject: rita, dataVolumes: mount() });
    await review({ workload: pod('renamed-2'), workloadId: 'w-renamed', subject: rita, dataVolumes: mount() });
    const used = await usedBy();
    expect(used.filter((w) => w.name === 'resubmitted')).toHaveLength(1);
    expect(used.filter((w) => w.workloadId === 'w-renamed')).toEqual([expect.objectContaining({ name: 'renamed-2' })]);

    const namespace = h.namespaceOf('p2');
    await h.org(
      WorkloadEvents.deleted,
      { workloadId: 'w-resubmitted', name: 'resubmitted', kind: 'Pod', apiVersion: 'v1', projectId: 'p2', namespace },
      'w-resubmitted',
    );
    await h.org(
      WorkloadEvents.finished,
      { workloadId: 'w-renamed', name: 'renamed-2', kind: 'Pod', projectId: 'p2', namespace, outcome: 'Succeeded' },
      'w-renamed',
    );
    const left = await usedBy();
    expect(left.map((w) => w.name)).not.toContain('resubmitted');
    expect(left.map((w) => w.workloadId)).not.toContain('w-renamed');
  });

  it('does not let an admission handled after the release of that workload bring its usage back; a later admission counts', async () => {
    const namespace = h.namespaceOf('p2');
    const deletedAt = new Date(Date.now() + 2000);
    // The deleted event of a workload admitted just before it, handled first (two streams, concurrent consumers).
    await h.publisher.publish(
      WorkloadEvents.deleted,
      { workloadId: 'w-late', name: 'late', kind: 'Pod', projectId: 'p2', namespace },
      { actor, subject: 'w-late', time: deletedAt },
    );
    await h.settled();
    await review({ workload: pod('late'), subject: rita, dataVolumes: mount() });
    expect((await usedBy()).map((w) => w.name)).not.toContain('late');
    // Created again after that deletion: a new life, recorded.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deletedAt.getTime() - Date.now() + 10)));
    await review({ workload: pod('late'), subject: rita, dataVolumes: mount() });
    expect((await usedBy()).map((w) => w.name)).toContain('late');
  });
});

describe('bad input', () => {
  const subject = { subjectId: 'rita', subjectType: 'user' };
  const cases: [string, Record<string, unknown>][] = [
    ['no project', { projectId: undefined, workload: pod('x'), subject, dataVolumes: [{ id: '11111111-1111-4111-8111-111111111111', mountPath: '/d' }] }],
    ['no subject', { workload: pod('x'), dataVolumes: [{ id: '11111111-1111-4111-8111-111111111111', mountPath: '/d' }] }],
    ['a relative mount path', { workload: pod('x'), subject, dataVolumes: [{ id: '11111111-1111-4111-8111-111111111111', mountPath: 'data' }] }],
    ['a .. in a mount path', { workload: pod('x'), subject, dataVolumes: [{ id: '11111111-1111-4111-8111-111111111111', mountPath: '/data/../etc' }] }],
    ['no volume at all', { workload: pod('x'), subject }],
    ['a workload that is not an object', { workload: 'pod', subject, dataVolumes: [{ id: '11111111-1111-4111-8111-111111111111', mountPath: '/d' }] }],
    ['an unknown field', { workload: pod('x'), subject, dataVolumes: [{ id: '11111111-1111-4111-8111-111111111111', mountPath: '/d' }], extra: 1 }],
    [
      'a native workload with a bad storage list',
      { workload: { kind: 'Workspace', spec: { storage: { dataVolume: [{ id: 'nope', mountPath: '/d' }] } } }, subject },
    ],
    [
      'a huge workload',
      { workload: { ...pod('x'), padding: 'x'.repeat(700 * 1024) }, subject, dataVolumes: [{ id: '11111111-1111-4111-8111-111111111111', mountPath: '/d' }] },
    ],
  ];

  it.each(cases)('%s is VALIDATION_FAILED and makes nothing', async (_what, request) => {
    const before = await h.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: 'app.kubernetes.io/managed-by=dv-workload-admission' });
    const error = await failure(review(request));
    expect(error.code).toBe('VALIDATION_FAILED');
    const after = await h.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: 'app.kubernetes.io/managed-by=dv-workload-admission' });
    expect(after.items.length).toBe(before.items.length);
  });

  it('refuses a group caller of the review and of both usage subjects, in the one shape of the transport', async () => {
    // One rule for every service (docs/decisions/0018): a group is never a caller, refused UNAUTHENTICATED in one shape.
    const group = { subjectId: 'researchers', subjectType: 'group' as const };
    const request = {
      projectId: 'p2',
      workload: pod('g'),
      subject: { subjectId: 'researchers', subjectType: 'user' },
      dataVolumes: [{ id: shared.id, mountPath: '/d' }],
      dryRun: true,
    };
    for (const call of [
      () => h.client.call(AdmissionRpc.review, request as never, { identity: group }),
      // The group was refused only after the volume was looked up before: an unknown one said NOT_FOUND.
      () => h.client.call(AdmissionRpc.usage, { volumeId: '11111111-1111-4111-8111-111111111111' }, { identity: group }),
      () => h.client.call(VolumeUsageRpc.usage, { volumeId: shared.id }, { identity: group }),
    ]) {
      const error = await failure(call());
      expect({ code: error.code, message: error.message, details: error.details }).toEqual({
        code: 'UNAUTHENTICATED',
        message: 'a group cannot be a caller (dv-identity header): group researchers is a subject of access rules; its members call as themselves',
        details: { reason: 'group-caller' },
      });
    }
    // No identity: UNAUTHENTICATED here too (the services' usage subject said FORBIDDEN before).
    expect((await failure(h.client.call(VolumeUsageRpc.usage, { volumeId: shared.id }))).details).toEqual({ reason: 'no-identity' });
  });

  it('a person reviewing for someone else is FORBIDDEN; no identity is UNAUTHENTICATED', async () => {
    const request = { workload: pod('x'), subject: { subjectId: 'user-1', subjectType: 'user' }, dataVolumes: [{ id: shared.id, mountPath: '/d' }] };
    expect((await failure(review(request, { subjectId: 'rita', subjectType: 'user' }))).code).toBe('FORBIDDEN');
    const anonymous = await failure(h.client.call(AdmissionRpc.review, { projectId: 'p2', ...request } as never));
    expect(anonymous.code).toBe('UNAUTHENTICATED');
    // For oneself it is fine (with one's own groups).
    expect(
      (await review({ ...request, subject: { subjectId: 'rita', subjectType: 'user' }, dryRun: true }, { subjectId: 'rita', subjectType: 'user' })).allowed,
    ).toBe(true);
  });
});

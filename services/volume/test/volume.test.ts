import { type DataVolume, DvError, type IdentityInput, type Revision, type RpcRequestInput, VolumeRpc } from '@dv/contracts';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@dv/testing';
import mongoose from 'mongoose';
import { VolumeHarness, env, until } from './volume-harness';

const h = new VolumeHarness();
const ROLES = { dataVolumeAdmin: 2256, l1: 5, l2: 8, viewer: 7, cloudOperator: 1711 } as const;
const user = (subjectId: string): IdentityInput => ({ subjectId, subjectType: 'user' });
const DVA = user('dana');
let granted: Revision = {};

async function codeOf(promise: Promise<unknown>): Promise<DvError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DvError)) throw new Error(`expected a DvError, got ${String(error)}`);
  return error;
}

async function getVolume(id: string): Promise<DataVolume> {
  return h.client.call(VolumeRpc.get, { id }, { identity: ROOTISH });
}
const ROOTISH = user('root');

async function untilPhase(id: string, phase: string, timeoutMs = 20_000): Promise<DataVolume> {
  return until(
    `volume ${id} ${phase}`,
    async () => {
      const v = await getVolume(id);
      return v.status.phase === phase ? v : undefined;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  await h.start();
  granted = await h.grant('dana', ROLES.dataVolumeAdmin, 'project', 'p1');
  granted = await h.grant('dana', ROLES.dataVolumeAdmin, 'project', 'p2');
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

describe('volume service (real NATS, FerretDB, authz and kube-apiserver)', () => {
  let readyVolume: DataVolume;

  it('creates a volume from a Bound PVC; it becomes Ready with its read-only PV copy and PVC in the cluster', async () => {
    const originPv = await h.originPvc(h.nsA, 'imagenet');
    const { volume, revision } = await h.client.call(
      VolumeRpc.create,
      { name: 'imagenet', description: 'ImageNet 2012', projectId: 'p1', originPvcName: 'imagenet', useOriginalVolume: false, atLeast: granted },
      { identity: DVA },
    );
    expect(revision.events).toBeGreaterThan(0);
    expect(volume).toMatchObject({
      name: 'imagenet',
      projectId: 'p1',
      projectName: 'project-a',
      departmentId: 'd1',
      clusterId: 'c1',
      namespace: h.nsA,
      createdBy: 'dana',
    });
    expect(volume.status.phase).toBe('Creating');
    expect(volume.storage).toEqual({
      originPvName: originPv,
      capacity: '5Gi',
      storageClassName: 'nfs-data',
      accessModes: ['ReadWriteMany'],
      volumeMode: 'Filesystem',
      source: { nfs: { server: '10.0.0.10', path: '/exports/imagenet' } },
    });
    const id8 = volume.id.replace(/-/g, '').slice(0, 8);
    expect(volume.status.datavolumePvcName).toBe(`dv-${id8}-imagenet`);
    expect(volume.status.datavolumePvName).toBe(`dv-${id8}-${h.nsA}`);

    readyVolume = await untilPhase(volume.id, 'Ready');
    expect(readyVolume.status.conditions.map((c) => [c.type, c.status])).toEqual(
      expect.arrayContaining([
        ['ProjectAvailable', 'True'],
        ['PvCopyCreated', 'True'],
        ['PvcsCreated', 'True'],
      ]),
    );
    const pv = await h.core.readPersistentVolume({ name: volume.status.datavolumePvName ?? '' });
    expect(pv.metadata?.labels?.['dv.platform/volume-id']).toBe(volume.id);
    expect(pv.spec?.accessModes).toEqual(['ReadOnlyMany']);
    expect(pv.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.spec?.capacity).toEqual({ storage: '5Gi' });
    expect(pv.spec?.storageClassName).toBe('nfs-data');
    expect(pv.spec?.nfs).toEqual({ server: '10.0.0.10', path: '/exports/imagenet' });
    expect(pv.spec?.claimRef).toMatchObject({ namespace: h.nsA, name: volume.status.datavolumePvcName });
    const pvc = await h.core.readNamespacedPersistentVolumeClaim({ name: volume.status.datavolumePvcName ?? '', namespace: h.nsA });
    expect(pvc.metadata?.labels?.['dv.platform/volume-id']).toBe(volume.id);
    expect(pvc.spec).toMatchObject({
      accessModes: ['ReadOnlyMany'],
      volumeName: pv.metadata?.name,
      storageClassName: 'nfs-data',
      resources: { requests: { storage: '5Gi' } },
    });

    const events = (await h.volumeEvents()).filter((e) => e.volumeId === volume.id);
    expect(events.map((e) => e.type)).toEqual(['dv.evt.volume.created.v1', 'dv.evt.volume.ready.v1']);
  });

  it('with useOriginalVolume (the default) the origin project uses the origin PVC itself: nothing is copied', async () => {
    const originPv = await h.originPvc(h.nsA, 'coco');
    const { volume } = await h.client.call(VolumeRpc.create, { name: 'coco', projectId: 'p1', originPvcName: 'coco', atLeast: granted }, { identity: DVA });
    const ready = await untilPhase(volume.id, 'Ready');
    expect(ready.useOriginalVolume).toBe(true);
    expect(ready.status).toMatchObject({ datavolumePvcName: 'coco', datavolumePvName: originPv });
    const copies = await h.core.listPersistentVolume({ labelSelector: `dv.platform/volume-id=${volume.id}` });
    expect(copies.items).toEqual([]);
  });

  it('refuses a group caller on every subject, before anything else, in the one shape of the transport', async () => {
    // One rule for every service (docs/decisions/0018): a group is never a caller, refused UNAUTHENTICATED in one shape.
    const group: IdentityInput = { subjectId: 'data-team', subjectType: 'group' };
    const requests = [
      () => h.client.call(VolumeRpc.create, { name: 'by-a-group', projectId: 'p1', originPvcName: 'imagenet' }, { identity: group }),
      () => h.client.call(VolumeRpc.update, { id: '11111111-1111-4111-8111-111111111111', description: 'x' }, { identity: group }),
      () => h.client.call(VolumeRpc.delete, { id: '11111111-1111-4111-8111-111111111111' }, { identity: group }),
      () => h.client.call(VolumeRpc.get, { id: '11111111-1111-4111-8111-111111111111' }, { identity: group }),
      () => h.client.call(VolumeRpc.list, {}, { identity: group }),
      () => h.client.call(VolumeRpc.count, {}, { identity: group }),
      () => h.client.call(VolumeRpc.nameAvailability, { name: 'free', clusterId: 'c1' }, { identity: group }),
    ];
    for (const request of requests) {
      const error = await codeOf(request());
      expect({ code: error.code, message: error.message, details: error.details }).toEqual({
        code: 'UNAUTHENTICATED',
        message: 'a group cannot be a caller (dv-identity header): group data-team is a subject of access rules; its members call as themselves',
        details: { reason: 'group-caller' },
      });
    }
    expect((await codeOf(h.client.call(VolumeRpc.list, {}))).details).toEqual({ reason: 'no-identity' });
  });

  it('refuses bad input with typed errors and leaves nothing behind', async () => {
    await h.originPvc(h.nsA, 'pending', { bound: false });
    await h.originPvc(h.nsA, 'no-pv', { withPv: false });
    await h.originPvc(h.nsA, 'no-pv-bound', { withPv: false });
    await h.originPvc(h.nsB, 'only-in-b');
    const before = (await h.core.listPersistentVolume({ labelSelector: 'app.kubernetes.io/managed-by=dv-volume' })).items.length;
    const total = (await h.client.call(VolumeRpc.count, { atLeast: granted }, { identity: ROOTISH })).count;
    const create = (body: Partial<RpcRequestInput<typeof VolumeRpc.create>>, identity: IdentityInput | null = DVA) =>
      codeOf(h.client.call(VolumeRpc.create, { name: 'x-ok', projectId: 'p1', originPvcName: 'imagenet', ...body }, identity ? { identity } : {}));

    for (const name of ['Upper', '1abc', 'a_b', `a${'b'.repeat(63)}`, '']) expect((await create({ name })).code).toBe('VALIDATION_FAILED');
    const long = await create({ description: 'd'.repeat(128) });
    expect(long.code).toBe('VALIDATION_FAILED');
    expect(long.message).toMatch(/description/);
    expect((await create({}, null)).code).toBe('UNAUTHENTICATED');
    expect((await create({ projectId: 'nope' })).code).toBe('NOT_FOUND');
    expect(await create({ originPvcName: 'missing' })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/pvc 'missing' does not exist/) });
    expect(await create({ originPvcName: 'only-in-b' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await create({ originPvcName: 'pending' })).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/not Bound/) });
    expect(await create({ originPvcName: 'no-pv-bound' })).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/does not exist/) });
    expect(await create({ name: 'imagenet' })).toMatchObject({ code: 'CONFLICT' });
    await expect(h.client.call(VolumeRpc.nameAvailability, { name: 'imagenet', clusterId: 'c1' }, { identity: DVA })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(h.client.call(VolumeRpc.nameAvailability, { name: 'imagenet-2', clusterId: 'c1' }, { identity: DVA })).resolves.toEqual({ available: true });

    const patch = await codeOf(h.client.call(VolumeRpc.update, { id: readyVolume.id, description: 'x', name: 'renamed', projectId: 'p2' }, { identity: DVA }));
    expect(patch.code).toBe('VALIDATION_FAILED');
    expect(patch.message).toMatch(/name: is immutable/);
    expect(patch.message).toMatch(/projectId: is immutable/);

    expect((await h.client.call(VolumeRpc.count, { atLeast: granted }, { identity: ROOTISH })).count).toBe(total);
    expect((await h.core.listPersistentVolume({ labelSelector: 'app.kubernetes.io/managed-by=dv-volume' })).items.length).toBe(before);
    expect((await getVolume(readyVolume.id)).name).toBe('imagenet');
  });

  it('grants per the seed: Data volume administrator and L1 create, view, edit, delete; L2 and Viewer only view; others nothing', async () => {
    const cases = [
      { who: 'dva', role: ROLES.dataVolumeAdmin, crud: 'crud' },
      { who: 'l1', role: ROLES.l1, crud: 'crud' },
      { who: 'l2', role: ROLES.l2, crud: 'r' },
      { who: 'viewer', role: ROLES.viewer, crud: 'r' },
      { who: 'operator', role: ROLES.cloudOperator, crud: '' },
      { who: 'nobody', role: undefined, crud: '' },
    ];
    let atLeast = granted;
    for (const c of cases) if (c.role !== undefined) atLeast = await h.grant(`role-${c.who}`, c.role, 'department', 'd1');
    await h.originPvc(h.nsA, 'perm');
    for (const c of cases) {
      const identity = user(`role-${c.who}`);
      const target = (await h.client.call(VolumeRpc.create, { name: `target-${c.who}`, projectId: 'p1', originPvcName: 'perm', atLeast }, { identity: DVA }))
        .volume;
      const outcome = async (p: Promise<unknown>): Promise<boolean> => {
        try {
          await p;
          return true;
        } catch (error) {
          if (error instanceof DvError && error.code === 'FORBIDDEN') return false;
          throw error;
        }
      };
      const created = await outcome(h.client.call(VolumeRpc.create, { name: `by-${c.who}`, projectId: 'p1', originPvcName: 'perm', atLeast }, { identity }));
      const read = await outcome(h.client.call(VolumeRpc.get, { id: target.id, atLeast }, { identity }));
      const updated = await outcome(h.client.call(VolumeRpc.update, { id: target.id, description: `edited by ${c.who}`, atLeast }, { identity }));
      // Listed before the delete: a deleted volume leaves the list as soon as the reconciler has removed it.
      const listed = (await h.client.call(VolumeRpc.list, { filterBy: [`name==target-${c.who}`], atLeast }, { identity })).datavolumes.length === 1;
      const deleted = await outcome(h.client.call(VolumeRpc.delete, { id: target.id, atLeast }, { identity }));
      const got = `${created ? 'c' : ''}${read ? 'r' : ''}${updated ? 'u' : ''}${deleted ? 'd' : ''}`;
      expect({ who: c.who, got, listed }).toEqual({ who: c.who, got: c.crud, listed: c.crud.includes('r') });
    }
  });

  it('lists Originated (permitted scopes) and UsableInProject with filter, search, sort and paging; counts', async () => {
    const pb = user('bea');
    const atLeast = await h.grant('bea', ROLES.dataVolumeAdmin, 'project', 'p2');
    const { volume } = await h.client.call(
      VolumeRpc.create,
      { name: 'b-set', description: 'Beans', projectId: 'p2', originPvcName: 'only-in-b', atLeast },
      { identity: pb },
    );
    const mine = await h.client.call(VolumeRpc.list, { atLeast }, { identity: pb });
    expect(mine.datavolumes.map((v) => v.name)).toEqual(['b-set']);
    expect((await h.client.call(VolumeRpc.count, { atLeast }, { identity: pb })).count).toBe(1);
    const usableA = await codeOf(h.client.call(VolumeRpc.list, { requestType: 'UsableInProject', usableInProjectId: 'p1', atLeast }, { identity: pb }));
    expect(usableA.code).toBe('FORBIDDEN');
    const usableB = await h.client.call(VolumeRpc.list, { requestType: 'UsableInProject', usableInProjectId: 'p2', atLeast }, { identity: pb });
    expect(usableB.datavolumes.map((v) => v.id)).toEqual([volume.id]);
    expect((await codeOf(h.client.call(VolumeRpc.list, { requestType: 'UsableInProject' }, { identity: pb }))).code).toBe('VALIDATION_FAILED');

    const all = await h.client.call(VolumeRpc.list, { sortBy: 'name', sortOrder: 'desc', limit: 2, atLeast }, { identity: DVA });
    expect(all.datavolumes).toHaveLength(2);
    expect(all.next).toBe(2);
    const names = (await h.client.call(VolumeRpc.list, { sortBy: 'name', limit: 500, atLeast }, { identity: DVA })).datavolumes.map((v) => v.name);
    expect(names).toEqual([...names].sort());
    expect(all.datavolumes.map((v) => v.name)).toEqual([...names].reverse().slice(0, 2));
    const filtered = await h.client.call(
      VolumeRpc.list,
      { filterBy: ['projectName==project-b', 'phase!=Deleting'], search: 'BEAN', atLeast },
      { identity: DVA },
    );
    expect(filtered.datavolumes.map((v) => v.name)).toEqual(['b-set']);
    const prefixed = await h.client.call(VolumeRpc.list, { filterBy: ['name=^image', 'name!@net-'], atLeast }, { identity: DVA });
    expect(prefixed.datavolumes.map((v) => v.name)).toEqual(['imagenet']);

    // The public page (what the gateway forwards): the same volumes, pages and refusals, without the internal fields, sharedScopes and totalRecords.
    const pageOf = (request: RpcRequestInput<typeof VolumeRpc.list>, identity: IdentityInput) =>
      Promise.all([h.client.call(VolumeRpc.list, request, { identity }), h.client.call(VolumeRpc.listPage, request, { identity })]);
    for (const [request, identity] of [
      [{ sortBy: 'name', sortOrder: 'desc', limit: 2, atLeast }, DVA],
      [{ sortBy: 'name', limit: 500, atLeast }, DVA],
      [{ requestType: 'UsableInProject', usableInProjectId: 'p2', atLeast }, pb],
    ] as const) {
      const [full, page] = await pageOf(request, identity);
      expect(page).toEqual({
        ...(full.next !== undefined ? { next: full.next } : {}),
        datavolumes: full.datavolumes.map(({ namespace: _n, storage: _s, version: _v, sharedScopes: _sc, ...shown }) => shown),
      });
    }
    const pageA = await codeOf(h.client.call(VolumeRpc.listPage, { requestType: 'UsableInProject', usableInProjectId: 'p1', atLeast }, { identity: pb }));
    expect(pageA.code).toBe('FORBIDDEN');
  });

  it('patches the description (event, revision), deletes (Deleting → gone), releasing only its own PV copy and PVC', async () => {
    const patched = await h.client.call(VolumeRpc.update, { id: readyVolume.id, description: 'ImageNet 2012, train split' }, { identity: DVA });
    expect(patched.volume.description).toBe('ImageNet 2012, train split');
    expect(patched.revision.events).toBeGreaterThan(0);
    const { volume } = await h.client.call(VolumeRpc.delete, { id: readyVolume.id }, { identity: DVA });
    expect(volume.status.phase).toBe('Deleting');
    await until('volume gone', async () => ((await codeOf(getVolume(readyVolume.id))).code === 'NOT_FOUND' ? true : undefined));
    await expect(h.core.readPersistentVolume({ name: readyVolume.status.datavolumePvName ?? '' })).rejects.toMatchObject({ code: 404 });
    await expect(h.core.readNamespacedPersistentVolumeClaim({ name: readyVolume.status.datavolumePvcName ?? '', namespace: h.nsA })).rejects.toMatchObject({
      code: 404,
    });
    expect((await h.core.readNamespacedPersistentVolumeClaim({ name: 'imagenet', namespace: h.nsA })).metadata?.name).toBe('imagenet');
    expect((await h.core.readPersistentVolume({ name: readyVolume.storage.originPvName })).metadata?.name).toBe(readyVolume.storage.originPvName);
    const events = (await h.volumeEvents()).filter((e) => e.volumeId === readyVolume.id).map((e) => e.type);
    expect(events).toEqual([
      'dv.evt.volume.created.v1',
      'dv.evt.volume.ready.v1',
      'dv.evt.volume.updated.v1',
      'dv.evt.volume.deleting.v1',
      'dv.evt.volume.deleted.v1',
    ]);
    expect(await h.client.call(VolumeRpc.nameAvailability, { name: 'imagenet', clusterId: 'c1' }, { identity: DVA })).toEqual({ available: true });
  });

  it('a Kubernetes API failure leaves the volume NotReady with a condition; it becomes Ready once the cause is gone', async () => {
    // Project p3's namespace has no RoleBinding for the service account yet: creating the PVC copy is
    // refused (403), as when an operator forgot to bind the service's role. The test then binds it.
    const nsC = `dv-vt-c-${h.suffix}`;
    await h.core.createNamespace({ body: { metadata: { name: nsC } } });
    const atLeast = await h.grant('dana', ROLES.dataVolumeAdmin, 'department', 'd1');
    await h.publishProject('p3', 'project-c', nsC);
    await h.originPvc(nsC, 'fail');
    const revision = { ...atLeast, platform: h.platformRevision };
    const { volume } = await until('project p3 known to the volume service', async () => {
      try {
        return await h.client.call(
          VolumeRpc.create,
          { name: 'fails-first', projectId: 'p3', originPvcName: 'fail', useOriginalVolume: false, atLeast: revision },
          { identity: DVA },
        );
      } catch (error) {
        if (error instanceof DvError && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    });
    const notReady = await untilPhase(volume.id, 'NotReady');
    const condition = notReady.status.conditions.find((c) => c.type === 'PvcsCreated');
    expect(condition).toMatchObject({ status: 'False', reason: 'ErrorCreatingPvc' });
    expect(condition?.message).toMatch(new RegExp(`^Failed to create pvc in namespace '${nsC}': .*forbidden`));
    expect(notReady.status.phaseMessage).toMatch(/^Failed to copy pvc to project 'project-c'/);
    await h.grantPvcCreate(nsC);
    const ready = await untilPhase(volume.id, 'Ready');
    expect(ready.status.conditions.find((c) => c.type === 'PvcsCreated')?.status).toBe('True');
    expect(ready.status.phaseMessage).toBeUndefined();
    const types = (await h.volumeEvents()).filter((e) => e.volumeId === volume.id).map((e) => e.type);
    expect(types).toEqual(['dv.evt.volume.created.v1', 'dv.evt.volume.not-ready.v1', 'dv.evt.volume.ready.v1']);
  });

  it('a project deleted under a volume makes it NotReady', async () => {
    const b = (await h.client.call(VolumeRpc.list, { filterBy: ['name==b-set'] }, { identity: DVA })).datavolumes[0];
    if (!b) throw new Error('b-set is missing');
    expect(b.status.phase).toBe('Ready');
    await h.deleteProject('p2', h.nsB);
    const v = await untilPhase(b.id, 'NotReady');
    expect(v.status.conditions.find((c) => c.type === 'ProjectAvailable')).toMatchObject({ status: 'False', reason: 'ProjectDeleted' });
    expect(v.status.phaseMessage).toBe("project 'project-b' was deleted");
  });

  it('SIGKILLed mid-create (after the record, then after the PV copy) loses no event and leaves nothing half-made', async () => {
    await h.volume?.stop();
    h.volume = undefined;
    await h.originPvc(h.nsA, 'crash');
    // 1: dies right after recording (before publishing or touching the cluster).
    const first = await h.startVolume({ VOLUME_FAILPOINT: 'crash-after-record' });
    const reply = await codeOf(
      h.client.call(VolumeRpc.create, { name: 'crash', projectId: 'p1', originPvcName: 'crash', useOriginalVolume: false }, { identity: DVA, timeoutMs: 3000 }),
    );
    expect(reply.code).toBe('UNAVAILABLE');
    await new Promise<void>((resolve) =>
      first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once('exit', () => resolve()),
    );
    const connection = await mongoose.createConnection(env('MONGO_URL'), { dbName: h.volumeDb }).asPromise();
    try {
      const stored = await connection.collection<{ _id: string; outbox: unknown[]; status: { phase: string } }>('datavolumes').findOne({ name: 'crash' });
      if (!stored) throw new Error('the volume was not recorded');
      expect(stored.status.phase).toBe('Creating');
      expect(stored.outbox).toHaveLength(1);
      const id = stored._id;
      expect((await h.core.listPersistentVolume({ labelSelector: `dv.platform/volume-id=${id}` })).items).toEqual([]);

      // 2: a process that publishes the pending event, makes the PV copy, and dies before the PVC.
      await runUntilExit(h.volumeEnv({ VOLUME_FAILPOINT: 'crash-after-pv-copy' }));
      expect((await h.core.listPersistentVolume({ labelSelector: `dv.platform/volume-id=${id}` })).items).toHaveLength(1);
      expect((await h.core.listNamespacedPersistentVolumeClaim({ namespace: h.nsA, labelSelector: `dv.platform/volume-id=${id}` })).items).toEqual([]);

      // 3: a healthy process completes it.
      h.volume = await h.startVolume();
      await untilPhase(id, 'Ready');
      expect((await h.core.listPersistentVolume({ labelSelector: `dv.platform/volume-id=${id}` })).items).toHaveLength(1);
      expect((await h.core.listNamespacedPersistentVolumeClaim({ namespace: h.nsA, labelSelector: `dv.platform/volume-id=${id}` })).items).toHaveLength(1);
      const events = (await h.volumeEvents()).filter((e) => e.volumeId === id);
      expect(events.map((e) => e.type)).toEqual(['dv.evt.volume.created.v1', 'dv.evt.volume.ready.v1']);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    } finally {
      await connection.close();
    }
  }, 120_000);
});

/** Runs the volume service until it exits by itself (a failpoint), whether or not it got to say "ready". */
async function runUntilExit(envVars: Record<string, string>): Promise<void> {
  const root = repoRoot();
  const child = spawn(process.execPath, ['-r', join(root, 'scripts/ts-register.js'), join(root, 'services/volume/src/main.ts')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HEALTH_PORT: '0', LOG_LEVEL: 'info', ...envVars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the volume service did not hit its failpoint within 60 s'));
    }, 60_000);
    child.once('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the volume service exited without its failpoint (${String(signal)}):\n${out.slice(-3000)}`));
      resolve();
    });
  });
}

import { type DataVolume, DvError, type EventEnvelope, type IdentityInput, OrgEvents, VolumeEvents, VolumeRpc } from '@dv/contracts';
import mongoose, { type Connection } from 'mongoose';
import { VolumeHarness, env, until } from './volume-harness';

/**
 * Every change of a volume is an event, whoever causes it: a project renamed or moved (the org's
 * events) reaches the read models through the volumes' updated events; refused writes are events too;
 * and the reconciler, retrying what fails, gives every due volume its turn. Real volume, sharing and
 * authz processes, FerretDB and the kube-apiserver. The reconcile batch is 1 here, so that a few
 * failing volumes are enough to show that none of them starves the others.
 */
const h = new VolumeHarness({ VOLUME_RECONCILE_BATCH: '1' });
const ROLES = { dataVolumeAdmin: 2256, departmentViewer: 13 } as const;
const user = (subjectId: string): IdentityInput => ({ subjectId, subjectType: 'user' });
const DVA = user('dana');
const readerD1 = user('reader-d1');
const readerD2 = user('reader-d2');
const readerC2 = user('reader-c2');
let db: Connection;

async function failure(promise: Promise<unknown>): Promise<DvError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DvError)) throw new Error(`expected a DvError, got ${String(error)}`);
  return error;
}

async function originated(identity: IdentityInput, name: string): Promise<DataVolume | undefined> {
  // No atLeast: the list waits for the domain stream's head, so what is published is what is listed.
  return (await h.client.call(VolumeRpc.list, { filterBy: [`name==${name}`] }, { identity })).datavolumes[0];
}

async function untilPhase(id: string, phase: string): Promise<DataVolume> {
  return until(`volume ${id} ${phase}`, async () => {
    const v = await h.client.call(VolumeRpc.get, { id }, { identity: DVA });
    return v.status.phase === phase ? v : undefined;
  });
}

async function newNamespace(tag: string): Promise<string> {
  const ns = `dv-vt-${tag}-${h.suffix}`;
  await h.core.createNamespace({ body: { metadata: { name: ns } } });
  return ns;
}

beforeAll(async () => {
  await h.start();
  // Beside the harness's c1 ─ d1 ─ {p1, p2}: department d2 in c1, and cluster c2 with department d3.
  await h.org(OrgEvents.department.created, { departmentId: 'd2', clusterId: 'c1', name: 'Department two' }, 'd2');
  await h.org(OrgEvents.cluster.created, { clusterId: 'c2', tenantId: 't1', name: 'Cluster two' }, 'c2');
  await h.org(OrgEvents.department.created, { departmentId: 'd3', clusterId: 'c2', name: 'Department three' }, 'd3');
  await h.grant('dana', ROLES.dataVolumeAdmin, 'tenant', 't1');
  await h.grant('reader-d1', ROLES.departmentViewer, 'department', 'd1');
  await h.grant('reader-d2', ROLES.departmentViewer, 'department', 'd2');
  await h.grant('reader-c2', ROLES.departmentViewer, 'department', 'd3');
  db = await mongoose.createConnection(env('MONGO_URL'), { dbName: h.volumeDb }).asPromise();
}, 180_000);

afterAll(async () => {
  await db?.close();
  await h.stop();
}, 60_000);

it('a renamed, then moved project carries its volumes along: each change an updated event, listed under the new place', async () => {
  const ns = await newNamespace('m');
  await h.org(OrgEvents.project.created, { projectId: 'pm', departmentId: 'd1', clusterId: 'c1', name: 'mover', namespace: ns }, 'pm');
  await h.originPvc(ns, 'moving-data');
  const { volume } = await until('project pm known to the volume service', async () => {
    try {
      return await h.client.call(
        VolumeRpc.create,
        { name: 'moving-data', projectId: 'pm', originPvcName: 'moving-data', atLeast: { platform: h.platformRevision } },
        { identity: DVA },
      );
    } catch (error) {
      if (error instanceof DvError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  });
  await untilPhase(volume.id, 'Ready');
  expect(await originated(readerD1, 'moving-data')).toMatchObject({ projectName: 'mover', departmentId: 'd1' });
  expect(await originated(readerD2, 'moving-data')).toBeUndefined();

  // Renamed: the volume shows the new name (and is searched by it).
  await h.org(OrgEvents.project.updated, { projectId: 'pm', departmentId: 'd1', clusterId: 'c1', name: 'mover-renamed', namespace: ns }, 'pm');
  await until('the rename listed', async () => ((await originated(readerD1, 'moving-data'))?.projectName === 'mover-renamed' ? true : undefined));
  expect((await h.client.call(VolumeRpc.list, { search: 'RENAMED' }, { identity: readerD1 })).datavolumes.map((v) => v.name)).toEqual(['moving-data']);

  // Moved to department d2: the reader of d1 no longer lists it (nor may read it), the reader of d2 does.
  await h.org(OrgEvents.project.updated, { projectId: 'pm', departmentId: 'd2', clusterId: 'c1', name: 'mover-renamed', namespace: ns }, 'pm');
  // (authz may know of the move a moment before the volume's updated event is out: wait for the latter.)
  const moved = await until('the move listed', async () => {
    const v = await originated(readerD2, 'moving-data');
    return v?.departmentId === 'd2' ? v : undefined;
  });
  expect(moved).toMatchObject({ id: volume.id, departmentId: 'd2', clusterId: 'c1', namespace: ns, status: { phase: 'Ready' } });
  expect(await originated(readerD1, 'moving-data')).toBeUndefined();
  expect((await failure(h.client.call(VolumeRpc.get, { id: volume.id }, { identity: readerD1 }))).code).toBe('FORBIDDEN');
  expect((await h.client.call(VolumeRpc.count, { filterBy: ['departmentId==d2'] }, { identity: readerD2 })).count).toBe(1);

  // Moved to another cluster: its name is now taken there, and free again in the first.
  await h.org(OrgEvents.project.updated, { projectId: 'pm', departmentId: 'd3', clusterId: 'c2', name: 'mover-renamed', namespace: ns }, 'pm');
  await until('the move to c2 listed', async () => ((await originated(readerC2, 'moving-data'))?.clusterId === 'c2' ? true : undefined));
  expect(await originated(readerD2, 'moving-data')).toBeUndefined();
  await expect(h.client.call(VolumeRpc.nameAvailability, { name: 'moving-data', clusterId: 'c2' }, { identity: DVA })).rejects.toMatchObject({
    code: 'CONFLICT',
  });
  await expect(h.client.call(VolumeRpc.nameAvailability, { name: 'moving-data', clusterId: 'c1' }, { identity: DVA })).resolves.toEqual({ available: true });

  // Each change was a volume event by the system (so the audit log has it), and a redelivered org event changes nothing more.
  const updates = (await h.domainEvents(VolumeEvents.updated.type)).filter((e) => e.subject === volume.id);
  expect(
    updates.map((e) => [e.actortype, VolumeEvents.updated.data.parse(e.data).volume.projectName, VolumeEvents.updated.data.parse(e.data).volume.departmentId]),
  ).toEqual([
    ['system', 'mover-renamed', 'd1'],
    ['system', 'mover-renamed', 'd2'],
    ['system', 'mover-renamed', 'd3'],
  ]);
  const stored = await db
    .collection<{ _id: string; projectName: string; departmentId: string; clusterId: string; nameKey: string }>('datavolumes')
    .findOne({ _id: volume.id });
  expect(stored).toMatchObject({ projectName: 'mover-renamed', departmentId: 'd3', clusterId: 'c2', nameKey: 'c2/moving-data' });
}, 120_000);

it('a refused create, update or delete is an event with the caller as actor and the error it got; nothing else changes', async () => {
  await h.originPvc(h.nsA, 'refusals');
  const first = await h.client.call(VolumeRpc.create, { name: 'refusals', projectId: 'p1', originPvcName: 'refusals' }, { identity: DVA });
  const before = (await h.domainEvents('dv.evt.volume.>')).length;

  const taken = await failure(h.client.call(VolumeRpc.create, { name: 'refusals', projectId: 'p1', originPvcName: 'refusals' }, { identity: DVA }));
  expect(taken.code).toBe('CONFLICT');
  const forbidden = await failure(h.client.call(VolumeRpc.create, { name: 'not-mine', projectId: 'p1', originPvcName: 'refusals' }, { identity: readerD1 }));
  expect(forbidden.code).toBe('FORBIDDEN');
  expect((await failure(h.client.call(VolumeRpc.update, { id: first.volume.id, description: 'x' }, { identity: readerD1 }))).code).toBe('FORBIDDEN');
  expect((await failure(h.client.call(VolumeRpc.delete, { id: '00000000-0000-4000-8000-000000000000' }, { identity: DVA }))).code).toBe('NOT_FOUND');
  // Malformed input is refused by the contract before any business check: no event (nothing was attempted).
  expect((await failure(h.client.call(VolumeRpc.create, { name: 'Bad_Name', projectId: 'p1', originPvcName: 'refusals' }, { identity: DVA }))).code).toBe(
    'VALIDATION_FAILED',
  );

  // (The first volume's ready event may fall in between: only the refusals are looked at.)
  const events = (await h.domainEvents('dv.evt.volume.>')).slice(before).filter((e) => e.type === VolumeEvents.refused.type);
  // The refusals are published before each error reply, so they are all there now.
  expect(events.map((e: EventEnvelope) => [e.type, e.actorid, e.actortype])).toEqual([
    [VolumeEvents.refused.type, 'dana', 'user'],
    [VolumeEvents.refused.type, 'reader-d1', 'user'],
    [VolumeEvents.refused.type, 'reader-d1', 'user'],
    [VolumeEvents.refused.type, 'dana', 'user'],
  ]);
  const data = events.map((e) => VolumeEvents.refused.data.parse(e.data));
  expect(data[0]).toEqual({ operation: 'create', code: 'CONFLICT', message: taken.message, name: 'refusals', projectId: 'p1', clusterId: 'c1' });
  expect(data[1]).toMatchObject({ operation: 'create', code: 'FORBIDDEN', message: forbidden.message, name: 'not-mine', projectId: 'p1' });
  expect(data[2]).toMatchObject({ operation: 'update', code: 'FORBIDDEN', volumeId: first.volume.id, name: 'refusals', projectId: 'p1' });
  expect(data[3]).toMatchObject({ operation: 'delete', code: 'NOT_FOUND', volumeId: '00000000-0000-4000-8000-000000000000' });
  expect(events[0]).toMatchObject({ scopetype: 'project', scopeid: 'p1' });
  expect((await h.client.call(VolumeRpc.count, { filterBy: ['name=^refusals'] }, { identity: DVA })).count).toBe(1);
  expect((await h.client.call(VolumeRpc.count, { filterBy: ['name==not-mine'] }, { identity: DVA })).count).toBe(0);
}, 60_000);

it('volumes that keep failing do not starve the others: each attempt moves a volume back in the queue, with a growing back-off', async () => {
  // Two volumes that cannot become Ready (no PVC may be created in their namespace), then a third
  // whose cause goes away. With one volume per sweep, ordering by anything that attempts do not move
  // would retry the first failing volume forever.
  const stuck = await newNamespace('stuck');
  const later = await newNamespace('later');
  await h.org(OrgEvents.project.created, { projectId: 'ps', departmentId: 'd1', clusterId: 'c1', name: 'stuck', namespace: stuck }, 'ps');
  await h.org(OrgEvents.project.created, { projectId: 'pl', departmentId: 'd1', clusterId: 'c1', name: 'later', namespace: later }, 'pl');
  for (const name of ['stuck-1', 'stuck-2']) await h.originPvc(stuck, name);
  await h.originPvc(later, 'later-1');
  const create = (name: string, projectId: string) =>
    until(`${name} created`, async () => {
      try {
        return (
          await h.client.call(
            VolumeRpc.create,
            { name, projectId, originPvcName: name, useOriginalVolume: false, atLeast: { platform: h.platformRevision } },
            { identity: DVA },
          )
        ).volume;
      } catch (error) {
        if (error instanceof DvError && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    });
  const stuck1 = await create('stuck-1', 'ps');
  const stuck2 = await create('stuck-2', 'ps');
  await untilPhase(stuck1.id, 'NotReady');
  await untilPhase(stuck2.id, 'NotReady');
  const last = await create('later-1', 'pl');
  await untilPhase(last.id, 'NotReady');

  await h.grantPvcCreate(later);
  await untilPhase(last.id, 'Ready');

  // The stuck ones keep being retried, less and less often (the harness caps the back-off at 1 s).
  const schedules = db.collection<{ _id: string; attempts?: number; nextAttemptAt?: string; status: { phase: string } }>('datavolumes');
  const stuckNow = await until('the stuck volumes retried a few times', async () => {
    const docs = await schedules.find({ _id: { $in: [stuck1.id, stuck2.id] } }).toArray();
    return docs.every((d) => (d.attempts ?? 0) >= 3) ? docs : undefined;
  });
  for (const doc of stuckNow) {
    expect(doc.status.phase).toBe('NotReady');
    expect(Date.parse(doc.nextAttemptAt ?? '')).toBeGreaterThan(Date.now() - 5_000);
  }
  const ready = await schedules.findOne({ _id: last.id });
  expect(ready).toMatchObject({ attempts: 0 });
  // Ready: next looked at for drift, VOLUME_RESYNC_INTERVAL_MS (2 s in the harness) after it became Ready.
  expect(Date.parse(ready?.nextAttemptAt ?? '')).toBeGreaterThan(Date.now() - 2_500);
  // Not one not-ready event per retry: only status changes are events.
  const notReady = (await h.volumeEvents()).filter((e) => e.volumeId === stuck1.id).map((e) => e.type);
  expect(notReady).toEqual([VolumeEvents.created.type, VolumeEvents.notReady.type]);
}, 120_000);

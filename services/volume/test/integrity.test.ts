import { type DataVolume, DvError, type IdentityInput, OrgEvents, type Revision, VolumeRpc } from '@dv/contracts';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { type Server, type Socket, createServer, connect } from 'node:net';
import { VolumeHarness, env, until } from './volume-harness';

/**
 * What a volume may be made of and where, and reads that do not depend on what they should not:
 * - the origin PV must be bound to this very claim (namespace, name and uid), at create and after;
 * - a project that is deleted, or under a deleted scope, gets no volume (never checked higher up);
 * - a project created a moment ago is known to reads that come right after it;
 * - get answers from the same read model as list, so it works while the MongoDB-wire server does not.
 * The volume process reaches the bed's MongoDB-wire server through a TCP relay the test can cut.
 */
const ROLES = { dataVolumeAdmin: 2256 } as const;
const DVA: IdentityInput = { subjectId: 'dana', subjectType: 'user' };
let h: VolumeHarness;
let relay: MongoRelay;
let granted: Revision = {};

beforeAll(async () => {
  relay = await MongoRelay.start(env('MONGO_URL'));
  h = new VolumeHarness({ MONGO_URL: relay.url });
  await h.start();
  granted = await h.grant('dana', ROLES.dataVolumeAdmin, 'tenant', 't1');
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await relay?.close();
}, 60_000);

async function failure(promise: Promise<unknown>): Promise<DvError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DvError)) throw new Error(`expected a DvError, got ${String(error)}`);
  return error;
}

async function create(name: string, projectId: string, originPvcName: string, useOriginalVolume = true) {
  return h.client.call(
    VolumeRpc.create,
    { name, projectId, originPvcName, useOriginalVolume, atLeast: { ...granted, platform: h.platformRevision } },
    { identity: DVA },
  );
}

async function untilPhase(id: string, phase: string): Promise<DataVolume> {
  return until(`volume ${id} ${phase}`, async () => {
    const v = await h.client.call(VolumeRpc.get, { id }, { identity: DVA });
    return v.status.phase === phase ? v : undefined;
  });
}

describe('the origin PV belongs to the origin claim', () => {
  it('refuses a PVC whose PV is bound to another claim: someone else’s data', async () => {
    const victimPv = await h.originPvc(h.nsB, 'payroll');
    // A claim in p1 naming p2's PV, marked Bound as a careless (or hostile) binder would.
    await h.core.createNamespacedPersistentVolumeClaim({
      namespace: h.nsA,
      body: {
        metadata: { name: 'borrowed' },
        spec: { accessModes: ['ReadWriteMany'], storageClassName: 'nfs-data', volumeName: victimPv, resources: { requests: { storage: '5Gi' } } },
      },
    });
    await h.core.patchNamespacedPersistentVolumeClaimStatus(
      { name: 'borrowed', namespace: h.nsA, body: { status: { phase: 'Bound', accessModes: ['ReadWriteMany'], capacity: { storage: '5Gi' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const pvc = await h.core.readNamespacedPersistentVolumeClaim({ name: 'borrowed', namespace: h.nsA });
    expect(pvc.spec?.volumeName).toBe(victimPv);
    expect(pvc.status?.phase).toBe('Bound');
    for (const useOriginalVolume of [true, false]) {
      const error = await failure(create(`borrowed-${String(useOriginalVolume)}`, 'p1', 'borrowed', useOriginalVolume));
      expect(error.code).toBe('PRECONDITION_FAILED');
      expect(error.message).toMatch(new RegExp(`pv '${victimPv}' is bound to pvc '${h.nsB}/payroll', not to pvc '${h.nsA}/borrowed'`));
    }
    const listed = await h.client.call(VolumeRpc.list, { filterBy: ['name=@borrowed'], atLeast: granted }, { identity: DVA });
    expect(listed.totalRecords).toBe(0);
  });

  it('refuses a PV bound to an earlier claim of the same name (another uid)', async () => {
    const pv = await h.originPvc(h.nsA, 'recycled');
    await h.core.patchPersistentVolume(
      { name: pv, body: { spec: { claimRef: { namespace: h.nsA, name: 'recycled', uid: '00000000-0000-4000-8000-000000000001' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const error = await failure(create('recycled', 'p1', 'recycled'));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/is bound to another claim named .*recycled.* \(uid 00000000-0000-4000-8000-000000000001\)/);
  });

  it.each([true, false])(
    'a Ready volume whose PV is bound to another claim later becomes NotReady with a condition (useOriginalVolume %s)',
    async (useOriginalVolume) => {
      const name = `rebound-${String(useOriginalVolume)}`;
      const pv = await h.originPvc(h.nsA, name);
      const { volume } = await create(name, 'p1', name, useOriginalVolume);
      await untilPhase(volume.id, 'Ready');
      await h.core.patchPersistentVolume(
        { name: pv, body: { spec: { claimRef: { namespace: h.nsB, name: 'intruder', uid: '00000000-0000-4000-8000-000000000002' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const notReady = await untilPhase(volume.id, 'NotReady');
      expect(notReady.status.conditions.find((c) => c.type === 'OriginAvailable')).toMatchObject({ status: 'False', reason: 'OriginPvcNotUsable' });
      expect(notReady.status.phaseMessage).toMatch(new RegExp(`pv '${pv}' is bound to pvc '${h.nsB}/intruder'`));
    },
  );
});

describe('deleted scopes', () => {
  it('refuses a create in a project whose department was deleted: NOT_FOUND for the project, never checked at the cluster', async () => {
    const ns = `dv-vt-d-${h.suffix}`;
    await h.core.createNamespace({ body: { metadata: { name: ns } } });
    await h.org(OrgEvents.department.created, { departmentId: 'd7', clusterId: 'c1', name: 'Department seven' }, 'd7');
    await h.org(OrgEvents.project.created, { projectId: 'p7', departmentId: 'd7', clusterId: 'c1', name: 'project-seven', namespace: ns }, 'p7');
    await h.originPvc(ns, 'orphaned');
    await h.originPvc(ns, 'earlier');
    const { volume: earlier } = await create('earlier', 'p7', 'earlier');
    await untilPhase(earlier.id, 'Ready');
    await h.org(OrgEvents.department.deleted, { departmentId: 'd7', clusterId: 'c1' }, 'd7');
    const error = await failure(create('orphaned', 'p7', 'orphaned'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('project p7 does not exist');
    // A volume made there before is no longer usable: its project is gone with the department.
    const gone = await untilPhase(earlier.id, 'NotReady');
    expect(gone.status.conditions.find((c) => c.type === 'ProjectAvailable')).toMatchObject({ status: 'False', reason: 'ProjectDeleted' });
    // Without a revision too: the org event may not have reached this replica yet, but it is waited for.
    const again = await failure(h.client.call(VolumeRpc.create, { name: 'orphaned-2', projectId: 'p7', originPvcName: 'orphaned' }, { identity: DVA }));
    expect(again.code).toBe('NOT_FOUND');
  });

  it('refuses a create in a deleted project', async () => {
    await h.org(OrgEvents.project.created, { projectId: 'p8', departmentId: 'd1', clusterId: 'c1', name: 'project-eight', namespace: h.nsA }, 'p8');
    await h.org(OrgEvents.project.deleted, { projectId: 'p8', departmentId: 'd1', clusterId: 'c1', namespace: h.nsA }, 'p8');
    await h.originPvc(h.nsA, 'gone-project');
    const error = await failure(create('gone-project', 'p8', 'gone-project'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('project p8 does not exist');
  });
});

describe('reads right after the org changed', () => {
  it('a UsableInProject list or count right after a project is created knows the project (with and without a revision)', async () => {
    for (let i = 0; i < 10; i++) {
      const projectId = `fresh-${i}`;
      await h.org(OrgEvents.project.created, { projectId, departmentId: 'd1', clusterId: 'c1', name: `fresh ${i}`, namespace: `${h.nsA}-f${i}` }, projectId);
      const withoutRevision = await h.client.call(VolumeRpc.list, { requestType: 'UsableInProject', usableInProjectId: projectId }, { identity: DVA });
      expect(withoutRevision).toMatchObject({ totalRecords: 0, datavolumes: [] });
      const count = await h.client.call(
        VolumeRpc.count,
        { requestType: 'UsableInProject', usableInProjectId: projectId, atLeast: { platform: h.platformRevision } },
        { identity: DVA },
      );
      expect(count).toEqual({ count: 0 });
    }
  });

  it('a project that does not exist is still NOT_FOUND', async () => {
    const error = await failure(h.client.call(VolumeRpc.list, { requestType: 'UsableInProject', usableInProjectId: 'nowhere' }, { identity: DVA }));
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('get and list answer from the same read model', () => {
  it('get answers while the MongoDB-wire server is unreachable, as list does, and sees its writes', async () => {
    await h.originPvc(h.nsA, 'steady');
    const { volume, revision } = await create('steady', 'p1', 'steady');
    const ready = await untilPhase(volume.id, 'Ready');
    relay.cut();
    try {
      const started = Date.now();
      const listed = await h.client.call(VolumeRpc.list, { filterBy: ['name==steady'] }, { identity: DVA, timeoutMs: 5000 });
      expect(listed.datavolumes.map((v) => v.id)).toEqual([volume.id]);
      const got = await h.client.call(VolumeRpc.get, { id: volume.id }, { identity: DVA, timeoutMs: 5000 });
      expect(got).toEqual(listed.datavolumes[0]);
      expect(got.status.phase).toBe('Ready');
      expect(await h.client.call(VolumeRpc.get, { id: volume.id, atLeast: revision }, { identity: DVA, timeoutMs: 5000 })).toEqual(got);
      expect(Date.now() - started).toBeLessThan(5000);
      const missing = await failure(h.client.call(VolumeRpc.get, { id: '00000000-0000-4000-8000-00000000000f' }, { identity: DVA, timeoutMs: 5000 }));
      expect(missing.code).toBe('NOT_FOUND');
    } finally {
      relay.restore();
    }
    expect(ready.id).toBe(volume.id);
  });
});

/**
 * A TCP relay in front of the MongoDB-wire server: `cut()` drops every connection and refuses new
 * ones (the server as unreachable as a crashed one), `restore()` lets them through again.
 */
class MongoRelay {
  private readonly sockets = new Set<Socket>();
  private open = true;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<MongoRelay> {
    const upstream = new URL(target);
    const holder: { relay?: MongoRelay } = {};
    const server = createServer((client) => {
      const relay = holder.relay;
      if (!relay?.open) {
        client.destroy();
        return;
      }
      const remote = connect(Number(upstream.port), upstream.hostname);
      for (const s of [client, remote]) {
        relay.sockets.add(s);
        s.on('close', () => relay.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(remote).pipe(client);
      client.on('close', () => remote.destroy());
      remote.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the relay has no port');
    const url = new URL(target);
    url.hostname = '127.0.0.1';
    url.port = String(address.port);
    holder.relay = new MongoRelay(server, url.toString());
    return holder.relay;
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

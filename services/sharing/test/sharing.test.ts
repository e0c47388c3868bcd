import { type DataVolume, DvError, OrgEvents, type RpcReply, SharingRpc, VolumeEvents } from '@dv/contracts';
import { HARNESS_ROOT, PlatformHarness } from '@dv/testing';
import { randomUUID } from 'node:crypto';

const h = new PlatformHarness();
const VOLUME_ACTOR = { id: 'volume', type: 'system' } as const;

/** What the volume service publishes about a volume (the test plays the volume service here). */
function volume(projectId: string, phase: DataVolume['status']['phase'], version: number, id = randomUUID()): DataVolume {
  const now = new Date().toISOString();
  return {
    id,
    name: `vol-${id.slice(0, 8)}`,
    projectId,
    projectName: `Project ${projectId}`,
    departmentId: 'd1',
    clusterId: 'c1',
    namespace: `dv-${projectId}`,
    originPvcName: 'dataset',
    useOriginalVolume: true,
    storage: { originPvName: 'pv-dataset', capacity: '1Gi', storageClassName: '', accessModes: ['ReadWriteMany'], source: { nfs: { server: 'nfs.local', path: '/data' } } },
    sharedScopes: [],
    createdAt: now,
    createdBy: 'dana',
    updatedAt: now,
    updatedBy: 'dana',
    status: { phase, conditions: [] },
    version,
  };
}

async function publishVolume(v: DataVolume): Promise<number> {
  const def = v.status.phase === 'Ready' ? VolumeEvents.ready : VolumeEvents.created;
  return (await h.publisher.publish(def, { volume: v }, { actor: VOLUME_ACTOR, subject: v.id, aggregateVersion: v.version })).seq;
}

async function readyVolume(projectId = 'p1'): Promise<{ v: DataVolume; seq: number }> {
  const created = volume(projectId, 'Creating', 1);
  await publishVolume(created);
  const v = { ...created, status: { phase: 'Ready' as const, conditions: [] }, version: 2 };
  return { v, seq: await publishVolume(v) };
}

async function expectError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DvError);
  expect((error as DvError).code).toBe(code);
  if (message) expect((error as DvError).message).toMatch(message);
}

const resolve = (volumeId: string, projectId: string, atLeast?: RpcReply<typeof SharingRpc.update>['revision']) =>
  h.client.call(SharingRpc.resolve, { volumeId, projectId, ...(atLeast ? { atLeast } : {}) }, { identity: HARNESS_ROOT });

beforeAll(async () => {
  await h.start([{ name: 'sharing' }, { name: 'sharing' }]);
  // The data volume administrator of the seed, for the whole tenant.
  await h.grant('user', 'dana', 2256, 'tenant', 't1');
}, 120_000);

afterAll(async () => {
  await h.stop();
});

describe('sharing service (two replicas, real NATS, MongoDB-wire server and authz)', () => {
  it("shares a Ready volume with a department: usable in every project under it, not in a sibling's; unshared, no longer", async () => {
    const { v, seq } = await readyVolume('p1');
    const dana = { subjectId: 'dana', subjectType: 'user' as const };
    const shared = await h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'department', scopeId: 'd1' }], atLeast: { events: seq } }, { identity: dana });
    expect(shared.sharedScopes).toEqual([expect.objectContaining({ scopeType: 'department', scopeId: 'd1', scopeName: 'Department d1', createdBy: 'dana' })]);
    expect(shared.revision.events).toBeGreaterThan(seq);

    expect(await resolve(v.id, 'p2', shared.revision)).toMatchObject({ usable: true, reason: 'shared', via: { scopeType: 'department', scopeId: 'd1' } });
    expect(await resolve(v.id, 'p1', shared.revision)).toMatchObject({ usable: true, reason: 'origin' });
    expect(await resolve(v.id, 'p3', shared.revision)).toMatchObject({ usable: false, reason: 'not-shared' });
    const usable = await h.client.call(SharingRpc.usableVolumes, { projectId: 'p2', atLeast: shared.revision }, { identity: HARNESS_ROOT });
    expect(usable.volumeIds).toContain(v.id);

    const unshared = await h.client.call(SharingRpc.update, { volumeId: v.id, remove: [{ scopeType: 'department', scopeId: 'd1' }] }, { identity: dana });
    expect(unshared.sharedScopes).toEqual([]);
    // Both replicas agree once they have the revision.
    for (let i = 0; i < 10; i++) expect(await resolve(v.id, 'p2', unshared.revision)).toMatchObject({ usable: false, reason: 'not-shared' });
  });

  it('lets exactly the roles of the seed share and unshare (L1 manages volumes but may not share)', async () => {
    const { v, seq } = await readyVolume('p1');
    await resolve(v.id, 'p1', { events: seq });
    const roles: [string, number, boolean][] = [
      ['Data volume administrator', 2256, true],
      ['System administrator', 1, true],
      ['Department administrator', 1710, true],
      ['Editor', 3, true],
      ['Research manager', 4, true],
      ['L1 researcher', 5, false],
      ['L2 researcher', 8, false],
      ['Viewer', 7, false],
      ['Department viewer', 13, false],
      ['ML engineer', 6, false],
    ];
    for (const [, roleId, may] of roles) {
      const user = `sharer-${roleId}`;
      const identity = { subjectId: user, subjectType: 'user' as const };
      const { revision } = await h.grant('user', user, roleId, 'cluster', 'c1');
      const atLeast = { events: Math.max(seq, revision.events ?? 0) };
      const add = h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p3' }], atLeast }, { identity });
      if (may) {
        await expect(add).resolves.toMatchObject({ sharedScopes: [expect.objectContaining({ scopeId: 'p3', createdBy: user })] });
        await expect(h.client.call(SharingRpc.update, { volumeId: v.id, remove: [{ scopeType: 'project', scopeId: 'p3' }], atLeast }, { identity })).resolves.toMatchObject({ sharedScopes: [] });
      } else {
        await expectError(add, 'FORBIDDEN');
      }
    }
  });

  it('shows only the scopes of the list the caller may view', async () => {
    const { v, seq } = await readyVolume('p1');
    await resolve(v.id, 'p1', { events: seq });
    const shared = await h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'department', scopeId: 'd1' }, { scopeType: 'cluster', scopeId: 'c2' }], atLeast: { events: seq } }, { identity: HARNESS_ROOT });
    const granted = await h.grant('user', 'dept-dv-admin', 2256, 'department', 'd1');
    // Read-your-writes across services: the later of the two writes' revisions.
    const atLeast = { events: Math.max(shared.revision.events ?? 0, granted.revision.events ?? 0) };
    const seen = await h.client.call(SharingRpc.list, { volumeId: v.id, atLeast }, { identity: { subjectId: 'dept-dv-admin', subjectType: 'user' } });
    expect(seen.sharedScopes.map((s) => s.scopeId)).toEqual(['d1']);
    expect((await h.client.call(SharingRpc.list, { volumeId: v.id, atLeast }, { identity: HARNESS_ROOT })).sharedScopes.map((s) => s.scopeId).sort()).toEqual(['c2', 'd1']);
    await expectError(h.client.call(SharingRpc.list, { volumeId: v.id, atLeast }, { identity: { subjectId: 'stranger', subjectType: 'user' } }), 'NOT_FOUND');
  });

  it('refuses bad input with typed errors and changes nothing', async () => {
    const { v, seq } = await readyVolume('p1');
    await resolve(v.id, 'p1', { events: seq });
    const dana = { subjectId: 'dana', subjectType: 'user' as const };
    await h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p2' }], atLeast: { events: seq } }, { identity: dana });
    const update = (body: Record<string, unknown>, identity: typeof dana | null = dana) =>
      h.client.sendRaw(SharingRpc.update.subject, new TextEncoder().encode(JSON.stringify({ volumeId: v.id, atLeast: { events: seq }, ...body })), identity ? { identity } : {}) as Promise<{
        ok: boolean;
        error?: { code: string; message: string };
      }>;
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ scopeType: 'project', scopeId: `p${i}` }));
    expect((await update({ add: tooMany })).error?.code).toBe('VALIDATION_FAILED');
    expect((await update({ add: [{ scopeType: 'tenant', scopeId: 't1' }] })).error?.code).toBe('VALIDATION_FAILED');
    expect((await update({ add: [{ scopeType: 'project', scopeId: 'nope' }] })).error).toMatchObject({ code: 'NOT_FOUND', message: 'project nope does not exist' });
    expect((await update({ add: [{ scopeType: 'project', scopeId: 'p9' }] })).error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/another tenant/) });
    expect((await update({ add: [{ scopeType: 'project', scopeId: 'p3' }, { scopeType: 'project', scopeId: 'p3' }] })).error?.code).toBe('VALIDATION_FAILED');
    expect((await update({ add: [{ scopeType: 'project', scopeId: 'p3' }] }, null)).error?.code).toBe('UNAUTHENTICATED');
    expect((await update({ volumeId: randomUUID(), add: [{ scopeType: 'project', scopeId: 'p3' }] })).error?.code).toBe('NOT_FOUND');
    expect((await update({ volumeId: 'not-a-uuid', add: [] })).error?.code).toBe('VALIDATION_FAILED');
    const creating = volume('p1', 'Creating', 1);
    const cseq = await publishVolume(creating);
    await resolve(creating.id, 'p1', { events: cseq });
    await expectError(h.client.call(SharingRpc.update, { volumeId: creating.id, add: [{ scopeType: 'project', scopeId: 'p2' }], atLeast: { events: cseq } }, { identity: dana }), 'PRECONDITION_FAILED', /Creating: it can be shared once it is Ready/);
    const list = await h.client.call(SharingRpc.list, { volumeId: v.id }, { identity: HARNESS_ROOT });
    expect(list.sharedScopes.map((s) => s.scopeId)).toEqual(['p2']);
  });

  it('drops the list of a deleted volume and the entries of a deleted scope', async () => {
    const { v, seq } = await readyVolume('p1');
    await resolve(v.id, 'p1', { events: seq });
    await h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p4' }, { scopeType: 'department', scopeId: 'd2' }], atLeast: { events: seq } }, { identity: HARNESS_ROOT });
    const platformSeq = await h.org(OrgEvents.project.deleted, { projectId: 'p4', departmentId: 'd3', clusterId: 'c2', namespace: 'dv-p4' }, 'p4');
    const deadline = Date.now() + 15_000;
    let scopes: string[] = [];
    while (Date.now() < deadline) {
      scopes = (await h.client.call(SharingRpc.list, { volumeId: v.id, atLeast: { platform: platformSeq } }, { identity: HARNESS_ROOT })).sharedScopes.map((s) => s.scopeId);
      if (!scopes.includes('p4')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(scopes).toEqual(['d2']);

    const deleted = { ...v, status: { phase: 'Deleting' as const, conditions: [] }, version: 3 };
    const dseq = (await h.publisher.publish(VolumeEvents.deleted, { volume: deleted }, { actor: VOLUME_ACTOR, subject: v.id, aggregateVersion: 3 })).seq;
    expect(await resolve(v.id, 'p3', { events: dseq })).toMatchObject({ usable: false, reason: 'unknown-volume' });
  });
});

import { type DataVolume, DvError, type EventEnvelope, OrgEvents, type RpcReply, STREAMS, SharingEvents, SharingRpc, VolumeEvents } from '@dv/contracts';
import { EventPublisher } from '@dv/messaging';
import { HARNESS_ROOT, PlatformHarness, publishedVolume } from '@dv/testing';
import { jetstream } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';

const h = new PlatformHarness();
const VOLUME_ACTOR = { id: 'volume', type: 'system' } as const;
/** The test plays the volume service: its events go out as the volume NATS user, the only one that may publish them. */
let volumeService: EventPublisher;

/** What the volume service publishes about a volume (the test plays the volume service here). */
function volume(projectId: string, phase: DataVolume['status']['phase'], version: number, id = randomUUID()): DataVolume {
  return publishedVolume(projectId, phase, version, { id });
}

async function publishVolume(v: DataVolume): Promise<number> {
  const def = v.status.phase === 'Ready' ? VolumeEvents.ready : VolumeEvents.created;
  return (await volumeService.publish(def, { volume: v }, { actor: VOLUME_ACTOR, subject: v.id, aggregateVersion: v.version })).seq;
}

async function readyVolume(projectId = 'p1'): Promise<{ v: DataVolume; seq: number }> {
  const created = volume(projectId, 'Creating', 1);
  await publishVolume(created);
  const v = { ...created, status: { phase: 'Ready' as const, conditions: [] }, version: 2 };
  return { v, seq: await publishVolume(v) };
}

async function expectError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DvError);
  expect((error as DvError).code).toBe(code);
  if (message) expect((error as DvError).message).toMatch(message);
}

/** The events of a type about one volume in the domain stream so far. */
async function eventsAbout(type: string, volumeId: string): Promise<EventEnvelope[]> {
  const consumer = await jetstream(h.nc).consumers.get(STREAMS.domain.name, { filter_subjects: type });
  const pending = (await consumer.info()).num_pending;
  const out: EventEnvelope[] = [];
  if (pending === 0) return out;
  let seen = 0;
  for await (const m of await consumer.fetch({ max_messages: pending, expires: 5000 })) {
    const envelope = m.json<EventEnvelope>();
    if (envelope.subject === volumeId) out.push(envelope);
    if (++seen >= pending) break;
  }
  return out;
}

const resolve = (volumeId: string, projectId: string, atLeast?: RpcReply<typeof SharingRpc.update>['revision']) =>
  h.client.call(SharingRpc.resolve, { volumeId, projectId, ...(atLeast ? { atLeast } : {}) }, { identity: HARNESS_ROOT });

beforeAll(async () => {
  await h.start([{ name: 'sharing' }, { name: 'sharing' }]);
  volumeService = new EventPublisher(await h.connectAs('volume'), 'dv/volume');
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
    const shared = await h.client.call(
      SharingRpc.update,
      { volumeId: v.id, add: [{ scopeType: 'department', scopeId: 'd1' }], atLeast: { events: seq } },
      { identity: dana },
    );
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

  it('answers every one of concurrent shares with the revision of its own event, which reads then see', async () => {
    const { v, seq } = await readyVolume('p1');
    const dana = { subjectId: 'dana', subjectType: 'user' as const };
    // Five scopes of the tenant, each with a project under it to ask about.
    const scopes = [
      { scopeType: 'project', scopeId: 'p2', project: 'p2' },
      { scopeType: 'project', scopeId: 'p3', project: 'p3' },
      { scopeType: 'project', scopeId: 'p4', project: 'p4' },
      { scopeType: 'department', scopeId: 'd2', project: 'p3' },
      { scopeType: 'department', scopeId: 'd3', project: 'p4' },
    ] as const;
    const outcomes = await Promise.allSettled(
      scopes.map(({ scopeType, scopeId }) =>
        h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType, scopeId }], atLeast: { events: seq } }, { identity: dana }),
      ),
    );
    const done = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ project: scopes[i]?.project ?? '', revision: o.value.revision }] : []));
    expect(done.length).toBeGreaterThan(0);
    // Each its own: defined, distinct (another share's flush may publish it first; the answer is still its own).
    expect(done.every((d) => typeof d.revision.events === 'number')).toBe(true);
    expect(new Set(done.map((d) => d.revision.events)).size).toBe(done.length);
    for (const d of done) expect(await resolve(v.id, d.project, d.revision)).toMatchObject({ usable: true });
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
        await expect(
          h.client.call(SharingRpc.update, { volumeId: v.id, remove: [{ scopeType: 'project', scopeId: 'p3' }], atLeast }, { identity }),
        ).resolves.toMatchObject({ sharedScopes: [] });
      } else {
        await expectError(add, 'FORBIDDEN');
      }
    }
  });

  it('shows only the scopes of the list the caller may view', async () => {
    const { v, seq } = await readyVolume('p1');
    await resolve(v.id, 'p1', { events: seq });
    const shared = await h.client.call(
      SharingRpc.update,
      {
        volumeId: v.id,
        add: [
          { scopeType: 'department', scopeId: 'd1' },
          { scopeType: 'cluster', scopeId: 'c1' },
        ],
        atLeast: { events: seq },
      },
      { identity: HARNESS_ROOT },
    );
    const granted = await h.grant('user', 'dept-dv-admin', 2256, 'department', 'd1');
    // Read-your-writes across services: the later of the two writes' revisions.
    const atLeast = { events: Math.max(shared.revision.events ?? 0, granted.revision.events ?? 0) };
    const seen = await h.client.call(SharingRpc.list, { volumeId: v.id, atLeast }, { identity: { subjectId: 'dept-dv-admin', subjectType: 'user' } });
    expect(seen.sharedScopes.map((s) => s.scopeId)).toEqual(['d1']);
    expect((await h.client.call(SharingRpc.list, { volumeId: v.id, atLeast }, { identity: HARNESS_ROOT })).sharedScopes.map((s) => s.scopeId).sort()).toEqual([
      'c1',
      'd1',
    ]);
    await expectError(h.client.call(SharingRpc.list, { volumeId: v.id, atLeast }, { identity: { subjectId: 'stranger', subjectType: 'user' } }), 'NOT_FOUND');
  });

  it('refuses bad input with typed errors and changes nothing', async () => {
    const { v, seq } = await readyVolume('p1');
    await resolve(v.id, 'p1', { events: seq });
    const dana = { subjectId: 'dana', subjectType: 'user' as const };
    await h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p2' }], atLeast: { events: seq } }, { identity: dana });
    const update = (body: Record<string, unknown>, identity: typeof dana | null = dana) =>
      h.client.sendRaw(
        SharingRpc.update.subject,
        new TextEncoder().encode(JSON.stringify({ volumeId: v.id, atLeast: { events: seq }, ...body })),
        identity ? { identity } : {},
      ) as Promise<{
        ok: boolean;
        error?: { code: string; message: string };
      }>;
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ scopeType: 'project', scopeId: `p${i}` }));
    expect((await update({ add: tooMany })).error?.code).toBe('VALIDATION_FAILED');
    expect((await update({ add: [{ scopeType: 'tenant', scopeId: 't1' }] })).error?.code).toBe('VALIDATION_FAILED');
    expect((await update({ add: [{ scopeType: 'project', scopeId: 'nope' }] })).error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'project nope does not exist',
    });
    expect((await update({ add: [{ scopeType: 'project', scopeId: 'p9' }] })).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/another tenant/),
    });
    expect(
      (
        await update({
          add: [
            { scopeType: 'project', scopeId: 'p3' },
            { scopeType: 'project', scopeId: 'p3' },
          ],
        })
      ).error?.code,
    ).toBe('VALIDATION_FAILED');
    expect((await update({ add: [{ scopeType: 'project', scopeId: 'p3' }] }, null)).error?.code).toBe('UNAUTHENTICATED');
    expect((await update({ volumeId: randomUUID(), add: [{ scopeType: 'project', scopeId: 'p3' }] })).error?.code).toBe('NOT_FOUND');
    expect((await update({ volumeId: 'not-a-uuid', add: [] })).error?.code).toBe('VALIDATION_FAILED');
    const creating = volume('p1', 'Creating', 1);
    const cseq = await publishVolume(creating);
    await resolve(creating.id, 'p1', { events: cseq });
    await expectError(
      h.client.call(
        SharingRpc.update,
        { volumeId: creating.id, add: [{ scopeType: 'project', scopeId: 'p2' }], atLeast: { events: cseq } },
        { identity: dana },
      ),
      'PRECONDITION_FAILED',
      /Creating: it can be shared once it is Ready/,
    );
    const list = await h.client.call(SharingRpc.list, { volumeId: v.id }, { identity: HARNESS_ROOT });
    expect(list.sharedScopes.map((s) => s.scopeId)).toEqual(['p2']);
  });

  it('refuses a group caller before anything, on every subject: an update used to accept one and check it as a user', async () => {
    const group = { subjectId: 'data-team', subjectType: 'group' as const, groups: [] };
    const refusedAsGroup = {
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^a group cannot be a caller \(dv-identity header\): group data-team /),
      details: { reason: 'group-caller' },
    };
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => 'answered',
        (e: unknown) => e,
      );
    const { v, seq } = await readyVolume('p1');
    const creating = volume('p1', 'Creating', 1);
    const atLeast = { events: await publishVolume(creating) };
    await resolve(creating.id, 'p1', atLeast);
    // Each of these got an answer of the business rules before (PRECONDITION_FAILED, NOT_FOUND, a
    // cross-cluster VALIDATION_FAILED), each recorded as a refusal by a group "actor".
    const updates = [
      { volumeId: creating.id, add: [{ scopeType: 'project' as const, scopeId: 'p2' }], atLeast },
      { volumeId: randomUUID(), add: [{ scopeType: 'project' as const, scopeId: 'p2' }], atLeast },
      { volumeId: v.id, add: [{ scopeType: 'project' as const, scopeId: 'p4' }], atLeast: { events: seq } },
      { volumeId: v.id, remove: [{ scopeType: 'project' as const, scopeId: 'p2' }], atLeast: { events: seq } },
    ];
    for (const update of updates) expect(await outcome(h.client.call(SharingRpc.update, update, { identity: group }))).toMatchObject(refusedAsGroup);
    // The reads said the same code with another message: now one rule, one shape.
    expect(await outcome(h.client.call(SharingRpc.list, { volumeId: v.id }, { identity: group }))).toMatchObject(refusedAsGroup);
    expect(await outcome(h.client.call(SharingRpc.listMany, { volumeIds: [v.id] }, { identity: group }))).toMatchObject(refusedAsGroup);
    expect(await outcome(h.client.call(SharingRpc.resolve, { volumeId: v.id, projectId: 'p1' }, { identity: group }))).toMatchObject(refusedAsGroup);
    expect(await outcome(h.client.call(SharingRpc.usableVolumes, { projectId: 'p1' }, { identity: group }))).toMatchObject(refusedAsGroup);
    expect(await outcome(h.client.call(SharingRpc.update, { volumeId: v.id, remove: [{ scopeType: 'project', scopeId: 'p2' }] }))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'this request needs the caller identity (dv-identity header)',
      details: { reason: 'no-identity' },
    });
    // Nothing recorded (an unauthenticated request has no actor), nothing changed.
    expect([...(await eventsAbout(SharingEvents.refused.type, v.id)), ...(await eventsAbout(SharingEvents.refused.type, creating.id))]).toEqual([]);
    expect((await h.client.call(SharingRpc.list, { volumeId: v.id }, { identity: HARNESS_ROOT })).sharedScopes).toEqual([]);
  });

  it('refuses sharing with a scope of another cluster, saying why, and records every refused change as an event', async () => {
    const { v, seq } = await readyVolume('p1');
    const dana = { subjectId: 'dana', subjectType: 'user' as const };
    const atLeast = { events: seq };
    const other = await h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p4' }], atLeast }, { identity: dana }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(other).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(
        /^project p4 is in cluster c2, but data volume vol-\w+ lives in cluster c1: a data volume is shared only within its own cluster/,
      ),
      details: { reason: 'other-cluster', volumeClusterId: 'c1', scopeClusterId: 'c2' },
    });
    await expectError(
      h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'cluster', scopeId: 'c2' }], atLeast }, { identity: dana }),
      'VALIDATION_FAILED',
      /cluster c2 is not the cluster of data volume/,
    );
    await expectError(
      h.client.call(
        SharingRpc.update,
        { volumeId: v.id, remove: [{ scopeType: 'project', scopeId: 'p2' }], atLeast },
        { identity: { subjectId: 'stranger', subjectType: 'user' } },
      ),
      'FORBIDDEN',
    );
    const refused = await eventsAbout(SharingEvents.refused.type, v.id);
    expect(
      refused.map((e) => [e.actorid, e.actortype, e.scopeid, (e.data as { operation: string; code: string }).operation, (e.data as { code: string }).code]),
    ).toEqual([
      ['dana', 'user', 'p1', 'share', 'VALIDATION_FAILED'],
      ['dana', 'user', 'p1', 'share', 'VALIDATION_FAILED'],
      ['stranger', 'user', 'p1', 'unshare', 'FORBIDDEN'],
    ]);
    expect(refused[0]?.data).toMatchObject({ volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p4' }], remove: [] });
    expect((await h.client.call(SharingRpc.list, { volumeId: v.id }, { identity: HARNESS_ROOT })).sharedScopes).toEqual([]);
  });

  it('unshares a volume that is not Ready (even once its project is gone), but shares only Ready ones', async () => {
    const dana = { subjectId: 'dana', subjectType: 'user' as const };
    await h.org(OrgEvents.project.created, { projectId: 'p6', departmentId: 'd1', clusterId: 'c1', name: 'Project p6', namespace: 'dv-p6' }, 'p6');
    const { v, seq } = await readyVolume('p6');
    await h.client.call(
      SharingRpc.update,
      {
        volumeId: v.id,
        add: [
          { scopeType: 'project', scopeId: 'p2' },
          { scopeType: 'department', scopeId: 'd2' },
        ],
        atLeast: { events: seq, platform: h.platformRevision },
      },
      { identity: dana },
    );
    // The project goes; the volume service marks the volume NotReady.
    const platform = await h.org(OrgEvents.project.deleted, { projectId: 'p6', departmentId: 'd1', clusterId: 'c1', namespace: 'dv-p6' }, 'p6');
    const notReady = { ...v, status: { phase: 'NotReady' as const, conditions: [] }, version: 3 };
    const nseq = (await volumeService.publish(VolumeEvents.notReady, { volume: notReady }, { actor: VOLUME_ACTOR, subject: v.id, aggregateVersion: 3 })).seq;
    const atLeast = { events: nseq, platform };
    await expectError(
      h.client.call(SharingRpc.update, { volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p3' }], atLeast }, { identity: dana }),
      'PRECONDITION_FAILED',
      /is NotReady: it can be shared once it is Ready \(removing scopes works in any phase\)/,
    );
    // Removing is authorized where the volume lived (its department, now that the project is gone).
    const removed = await h.client.call(SharingRpc.update, { volumeId: v.id, remove: [{ scopeType: 'project', scopeId: 'p2' }], atLeast }, { identity: dana });
    expect(removed.sharedScopes.map((s) => s.scopeId)).toEqual(['d2']);
    expect(await resolve(v.id, 'p2', removed.revision)).toMatchObject({ usable: false });
  });

  it('drops the list of a deleted volume (an unshared event per scope) and the entries of a deleted scope', async () => {
    await h.org(OrgEvents.project.created, { projectId: 'p5', departmentId: 'd2', clusterId: 'c1', name: 'Project p5', namespace: 'dv-p5' }, 'p5');
    const { v, seq } = await readyVolume('p1');
    await resolve(v.id, 'p1', { events: seq });
    await h.client.call(
      SharingRpc.update,
      {
        volumeId: v.id,
        add: [
          { scopeType: 'project', scopeId: 'p5' },
          { scopeType: 'department', scopeId: 'd2' },
        ],
        atLeast: { events: seq, platform: h.platformRevision },
      },
      { identity: HARNESS_ROOT },
    );
    const platformSeq = await h.org(OrgEvents.project.deleted, { projectId: 'p5', departmentId: 'd2', clusterId: 'c1', namespace: 'dv-p5' }, 'p5');
    const deadline = Date.now() + 15_000;
    let scopes: string[] = [];
    while (Date.now() < deadline) {
      scopes = (await h.client.call(SharingRpc.list, { volumeId: v.id, atLeast: { platform: platformSeq } }, { identity: HARNESS_ROOT })).sharedScopes.map(
        (s) => s.scopeId,
      );
      if (!scopes.includes('p5')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(scopes).toEqual(['d2']);

    const deleted = { ...v, status: { phase: 'Deleting' as const, conditions: [] }, version: 3 };
    const dseq = (await volumeService.publish(VolumeEvents.deleted, { volume: deleted }, { actor: VOLUME_ACTOR, subject: v.id, aggregateVersion: 3 })).seq;
    expect(await resolve(v.id, 'p3', { events: dseq })).toMatchObject({ usable: false, reason: 'unknown-volume' });
    // The list goes through the outbox: the audit log sees d2 leave it, by the system.
    const unshared = await waitForEvents(SharingEvents.unshared.type, v.id, (events) =>
      events.some((e) => (e.data as { scope: { scopeId: string } }).scope.scopeId === 'd2'),
    );
    const summary = (e: EventEnvelope) => {
      const data = SharingEvents.unshared.data.parse(e.data);
      return [e.actortype, data.scope.scopeId, data.sharedScopes.map((s) => s.scopeId)];
    };
    // p5 left when its project went (d2 stayed), d2 when the volume went.
    expect(unshared.map(summary)).toEqual([
      ['system', 'p5', ['d2']],
      ['system', 'd2', []],
    ]);
  });

  it('answers resolve and usable-volumes only to the platform services and to callers who may read data volumes in that project', async () => {
    const { v, seq } = await readyVolume('p1');
    const shared = await h.client.call(
      SharingRpc.update,
      { volumeId: v.id, add: [{ scopeType: 'project', scopeId: 'p2' }], atLeast: { events: seq } },
      { identity: { subjectId: 'dana', subjectType: 'user' } },
    );
    const viewer = await h.grant('user', 'vera', 7, 'project', 'p2');
    const atLeast = { events: Math.max(shared.revision.events ?? 0, viewer.revision.events ?? 0) };
    const ask = (identity: { subjectId: string; subjectType: 'user' | 'service-account' }, projectId: string) => ({
      resolve: () => h.client.call(SharingRpc.resolve, { volumeId: v.id, projectId, atLeast }, { identity }),
      usable: () => h.client.call(SharingRpc.usableVolumes, { projectId, atLeast }, { identity }),
    });
    // Nobody in particular: refused, whatever the project.
    for (const stranger of [
      { subjectId: 'mallory', subjectType: 'user' as const },
      { subjectId: 'some-robot', subjectType: 'service-account' as const },
    ]) {
      for (const projectId of ['p1', 'p2']) {
        const { resolve: r, usable: u } = ask(stranger, projectId);
        await expectError(r(), 'FORBIDDEN', /datavolumes/);
        await expectError(u(), 'FORBIDDEN', /datavolumes/);
      }
    }
    // A Viewer of p2 may know what is usable in p2, not elsewhere.
    const vera = { subjectId: 'vera', subjectType: 'user' as const };
    expect(await ask(vera, 'p2').resolve()).toMatchObject({ usable: true, reason: 'shared' });
    expect((await ask(vera, 'p2').usable()).volumeIds).toContain(v.id);
    await expectError(ask(vera, 'p1').resolve(), 'FORBIDDEN');
    await expectError(ask(vera, 'p1').usable(), 'FORBIDDEN');
    // The services that ask for their own callers (admission, volume) are answered.
    for (const service of ['workload-admission', 'volume']) {
      expect(await ask({ subjectId: service, subjectType: 'service-account' }, 'p2').resolve()).toMatchObject({ usable: true, reason: 'shared' });
      expect((await ask({ subjectId: service, subjectType: 'service-account' }, 'p1').usable()).volumeIds).toContain(v.id);
    }
  });
});

async function waitForEvents(type: string, volumeId: string, done: (events: EventEnvelope[]) => boolean): Promise<EventEnvelope[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const events = await eventsAbout(type, volumeId);
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
}

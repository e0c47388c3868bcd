import { type DataVolume, DvError, type IdentityInput, type Revision, VolumeRpc } from '@dv/contracts';
import { type ServiceProcess } from '@dv/testing';
import { VolumeHarness, until } from './volume-harness';

/**
 * list and count answer from each replica's read model, kept by following the volume events: a
 * write's revision as `atLeast` makes the write visible in a list on whichever replica answers, one
 * that followed it live or one that replayed it at start.
 */
const h = new VolumeHarness();
const dana: IdentityInput = { subjectId: 'dana', subjectType: 'user' };
let granted: Revision = {};
let second: ServiceProcess | undefined;
/** Replies in a row that must all agree: with two replicas in the queue group, both answer some of them. */
const ASKS = 12;

beforeAll(async () => {
  await h.start();
  granted = await h.grant('dana', 2256, 'project', 'p1');
  second = await h.startVolume();
  await h.originPvc(h.nsA, 'rm-data');
}, 180_000);

afterAll(async () => {
  await second?.stop();
  await h.stop();
}, 60_000);

/** The volume of that name in ASKS lists (and counts) in a row, each undefined when absent. Without atLeast, each waits for the stream's head. */
async function listed(name: string, atLeast: Revision | undefined): Promise<(DataVolume | undefined)[]> {
  const revision = atLeast ? { atLeast } : {};
  return Promise.all(
    Array.from({ length: ASKS }, async () => {
      const page = await h.client.call(VolumeRpc.list, { filterBy: [`name==${name}`], ...revision }, { identity: dana });
      const count = await h.client.call(VolumeRpc.count, { filterBy: [`name==${name}`], ...revision }, { identity: dana });
      expect(page.datavolumes.length).toBe(page.totalRecords);
      expect(page.totalRecords).toBeLessThanOrEqual(1);
      // The count may come from the other replica: it agrees unless the volume is on its way out.
      if (page.datavolumes[0]?.status.phase !== 'Deleting') expect(count.count).toBe(page.totalRecords);
      return page.datavolumes[0];
    }),
  );
}

/**
 * Events no one acts on, published without waiting for acks, ahead of a write: the followers have
 * these to apply before they reach the write's event, so a list that did not wait for the stream's
 * head would miss the write.
 */
async function backlog(count: number): Promise<void> {
  const body = new TextEncoder().encode(
    JSON.stringify({
      specversion: '1.0',
      id: 'x',
      source: 'dv/test',
      type: 'dv.evt.test-noise.v1',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      actorid: 'test',
      actortype: 'system',
      data: {},
    }),
  );
  for (let i = 0; i < count; i++) h.noise.publish('dv.evt.test-noise.v1', body);
  await h.noise.flush();
}

it("without atLeast, a list or count on either replica sees the caller's own writes (it waits for the stream's head)", async () => {
  for (let i = 0; i < 4; i++) {
    const name = `own-${i}`;
    await backlog(2000);
    const created = await h.client.call(VolumeRpc.create, { name, projectId: 'p1', originPvcName: 'rm-data', atLeast: granted }, { identity: dana });
    for (const v of await listed(name, undefined)) expect(v?.id).toBe(created.volume.id);
    await until('Ready', async () =>
      (await h.client.call(VolumeRpc.get, { id: created.volume.id }, { identity: dana })).status.phase === 'Ready' ? true : undefined,
    );
    await backlog(2000);
    const patched = await h.client.call(VolumeRpc.update, { id: created.volume.id, description: `mine ${i}` }, { identity: dana });
    for (const v of await listed(name, undefined)) expect(v?.description).toBe(patched.volume.description);
  }
}, 120_000);

it('a write is in the lists of every replica as soon as its revision is reached (create, patch, delete)', async () => {
  for (let i = 0; i < 3; i++) {
    const name = `rm-${i}`;
    const created = await h.client.call(VolumeRpc.create, { name, projectId: 'p1', originPvcName: 'rm-data', atLeast: granted }, { identity: dana });
    expect(created.revision.events).toBeGreaterThan(0);
    for (const v of await listed(name, created.revision)) expect(v).toMatchObject({ id: created.volume.id, name, projectId: 'p1', sharedScopes: [] });

    // A patch racing the reconciler's Creating → Ready is CONFLICT (optimistic concurrency): patch once it is Ready.
    await until('Ready', async () =>
      (await h.client.call(VolumeRpc.get, { id: created.volume.id }, { identity: dana })).status.phase === 'Ready' ? true : undefined,
    );
    const patched = await h.client.call(VolumeRpc.update, { id: created.volume.id, description: `patched ${i}` }, { identity: dana });
    expect(patched.revision.events).toBeGreaterThan(created.revision.events ?? 0);
    for (const v of await listed(name, patched.revision))
      expect({ revision: patched.revision, description: v?.description, version: v?.version }).toEqual({
        revision: patched.revision,
        description: `patched ${i}`,
        version: patched.volume.version,
      });

    // Deleting, or already gone (the reconciler releases a volume that made no copy at once).
    const deleting = await h.client.call(VolumeRpc.delete, { id: created.volume.id }, { identity: dana });
    for (const v of await listed(name, deleting.revision)) if (v) expect(v.status.phase).toBe('Deleting');
  }
  // UsableInProject and Originated see the same: with the revision of the last create.
  const last = await h.client.call(VolumeRpc.create, { name: 'rm-last', projectId: 'p1', originPvcName: 'rm-data', atLeast: granted }, { identity: dana });
  for (let i = 0; i < ASKS; i++) {
    const usable = await h.client.call(
      VolumeRpc.list,
      { requestType: 'UsableInProject', usableInProjectId: 'p1', atLeast: last.revision, sortBy: 'name', sortOrder: 'desc', limit: 1 },
      { identity: dana },
    );
    expect(usable.datavolumes.map((v) => v.name)).toEqual(['rm-last']);
  }
}, 120_000);

it('a replica started later replays the stream before it answers; so does one that stays alone', async () => {
  const last = await h.client.call(VolumeRpc.create, { name: 'rm-replay', projectId: 'p1', originPvcName: 'rm-data', atLeast: granted }, { identity: dana });
  // Only the second replica answers now, then only a third one started after every write.
  await h.volume?.stop();
  h.volume = undefined;
  for (const v of await listed('rm-replay', last.revision)) expect(v?.id).toBe(last.volume.id);
  const third = await h.startVolume();
  await second?.stop();
  second = third;
  for (const v of await listed('rm-replay', undefined)) expect(v?.id).toBe(last.volume.id);
  for (const v of await listed('rm-last', undefined)) expect(v?.name).toBe('rm-last');
  for (let i = 0; i < 3; i++) expect(await listed(`rm-${i}`, undefined)).toEqual(Array.from({ length: ASKS }, () => undefined));
}, 120_000);

it('a revision no write returned (beyond the stream head) is VALIDATION_FAILED at once, not a stale list or a wait', async () => {
  // (A revision within the head that this replica does not reach in time is UNAVAILABLE: libs/messaging's stream-heads test.)
  const started = Date.now();
  const error = await h.client.call(VolumeRpc.list, { atLeast: { events: 1_000_000_000 } }, { identity: dana }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DvError);
  expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'atLeast' } });
  expect(Date.now() - started).toBeLessThan(2000);
}, 30_000);

import { GatewayHarness } from './gateway-harness';
import { type PublicVolume, expectBadFields, expectErrorBody, readyVolume, revisionOf } from './http-expect';

/**
 * The data-volume remainder over HTTP (decision 0022): sharedScopes get and patch, settings, and the
 * read-your-writes headers (X-DV-Revision on writes, X-DV-At-Least on reads), against the real
 * provider, NATS, FerretDB and the kube-apiserver.
 */
const h = new GatewayHarness();
let dana: string; // data-admins: Data volume administrator in tenant t1
let alice: string; // no access rule
let bob: string; // L1 researcher in p2 (granted below)

const DATA_VOLUME_ADMINISTRATOR = 2256;
const L1_RESEARCHER = 5;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  ({ dana, alice, bob } = (await h.startAll({
    name: 'volumes',
    rules: [['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'tenant', 't1']],
    users: ['dana', 'alice', 'bob'],
  })) as { dana: string; alice: string; bob: string });
}, 30 * 60_000);

afterAll(() => h.stopAll(), 60_000);

describe('read-your-writes headers', () => {
  it('answers every volume write with X-DV-Revision, and reads with X-DV-At-Least wait for it', async () => {
    await h.originPvc(h.namespaceOf('p1'), 'mnist');
    const created = await h.http('POST', '/api/v1/datavolumes', { token: dana, body: { name: 'mnist', projectId: 'p1', originPvcName: 'mnist' } });
    expect(created.status).toBe(201);
    const revision = revisionOf(created);
    expect(revision.events).toEqual(expect.any(Number));
    const id = (created.body as PublicVolume).id;
    const atLeast = { 'x-dv-at-least': JSON.stringify(revision) };
    expect((await h.http('GET', `/api/v1/datavolumes/${id}`, { token: dana, headers: atLeast })).status).toBe(200);
    const list = await h.http('GET', '/api/v1/datavolumes?requestType=Originated&filterBy=name==mnist', { token: dana, headers: atLeast });
    expect((list.body as { datavolumes: PublicVolume[] }).datavolumes.map((v) => v.id)).toEqual([id]);
    expect((await h.http('GET', '/api/v1/datavolumes/count?requestType=Originated&filterBy=name==mnist', { token: dana, headers: atLeast })).body).toEqual({
      count: 1,
    });

    // Patched while the reconciler may still be writing it (services/volume/test/update-conflict.test.ts).
    const patched = await h.http('PATCH', `/api/v1/datavolumes/${id}`, { token: dana, body: { description: 'digits' }, headers: atLeast });
    expect({ status: patched.status, body: patched.body }).toEqual({ status: 200, body: expect.objectContaining({ description: 'digits' }) });
    expect(revisionOf(patched).events).toBeGreaterThan(revision.events ?? 0);
    const deleted = await h.http('DELETE', `/api/v1/datavolumes/${id}`, { token: dana });
    expect(deleted.status).toBe(202);
    expect(revisionOf(deleted).events).toBeGreaterThan(revisionOf(patched).events ?? 0);
  });

  it('refuses a revision no write returned (beyond the streams) with 400, not a wait ending in 503', async () => {
    const headers = { 'x-dv-at-least': JSON.stringify({ events: 999_999_999 }) };
    const answer = await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { token: dana, headers });
    expectErrorBody(answer, 400);
    expect((answer.body as { message: string }).message).toMatch(/X-DV-At-Least/);
  });

  it('refuses a bad X-DV-At-Least with 400 naming the header, on reads and writes', async () => {
    for (const header of ['12', '{"events":-1}', '{"event":3}', 'not json', '{"events":1.5}']) {
      const headers = { 'x-dv-at-least': header };
      expectBadFields(await h.http('GET', `/api/v1/datavolumes/${UNKNOWN_ID}`, { token: dana, headers }), ['X-DV-At-Least']);
      expectBadFields(await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { token: dana, headers }), ['X-DV-At-Least']);
      expectBadFields(await h.http('GET', `/api/v1/datavolumes/${UNKNOWN_ID}/sharedScopes`, { token: dana, headers }), ['X-DV-At-Least']);
      expectBadFields(await h.http('DELETE', `/api/v1/datavolumes/${UNKNOWN_ID}`, { token: dana, headers }), ['X-DV-At-Least']);
    }
  });
});

describe('settings', () => {
  it('answers {enableDataVolumes} (not taken for a volume id), to any signed-in caller only', async () => {
    expect(await h.http('GET', '/api/v1/datavolumes/settings', { token: alice })).toMatchObject({ status: 200, body: { enableDataVolumes: true } });
    expect((await h.http('GET', '/api/v1/datavolumes/settings')).status).toBe(401);
  });
});

describe('sharedScopes', () => {
  let volume: PublicVolume;

  beforeAll(async () => {
    volume = await readyVolume(h, dana, 'imagenet');
    await h.grant('user', 'bob@acme.example', L1_RESEARCHER, 'project', 'p2');
  }, 60_000);

  it('shares with a department: the whole list back, with its revision; a reader asking for it sees the volume at once', async () => {
    expect(await h.http('GET', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana })).toMatchObject({ status: 200, body: [] });
    const patched = await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, {
      token: dana,
      body: { add: [{ scopeType: 'department', scopeId: 'd1' }] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual([
      { scopeType: 'department', scopeId: 'd1', scopeName: expect.any(String), createdAt: expect.any(String), createdBy: 'dana@acme.example' },
    ]);
    const headers = { 'x-dv-at-least': JSON.stringify(revisionOf(patched)) };
    // bob, L1 researcher in p2 (in d1), lists it as usable there: no waiting, the header carries the write's revision.
    const usable = await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p2', { token: bob, headers });
    expect((usable.body as { datavolumes: PublicVolume[] }).datavolumes.map((v) => v.id)).toEqual([volume.id]);
    expect((await h.http('GET', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana, headers })).body).toEqual(patched.body);
    expect(((await h.http('GET', `/api/v1/datavolumes/${volume.id}`, { token: dana, headers })).body as PublicVolume).sharedScopes).toEqual([
      expect.objectContaining({ scopeType: 'department', scopeId: 'd1' }),
    ]);
  });

  it('answers a patch with nothing to change with the list as GET shows it, changing nothing', async () => {
    const before = await h.http('GET', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana });
    for (const body of [{}, { add: [], remove: [] }]) {
      const answer = await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana, body });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: before.body });
      expect(answer.headers.get('x-dv-revision')).toBeNull();
    }
    expectErrorBody(await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: alice, body: {} }), 404);
  });

  it('adds and removes in one call, and unshares', async () => {
    const both = await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, {
      token: dana,
      body: { add: [{ scopeType: 'project', scopeId: 'p3' }], remove: [{ scopeType: 'department', scopeId: 'd1' }] },
    });
    expect(both.status).toBe(200);
    expect((both.body as { scopeId: string }[]).map((s) => s.scopeId)).toEqual(['p3']);
    const none = await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, {
      token: dana,
      body: { remove: [{ scopeType: 'project', scopeId: 'p3' }] },
    });
    expect(none).toMatchObject({ status: 200, body: [] });
  });

  it('refuses bad bodies naming the field: unknown fields, more than 50, scope types that cannot be shared with', async () => {
    const patch = (body: unknown) => h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana, body });
    const d1 = { scopeType: 'department', scopeId: 'd1' };
    expectBadFields(await patch({ add: [d1], share: true }), ['share']);
    expectBadFields(await patch({ add: [{ ...d1, role: 'admin' }] }), ['add[0].role']);
    expectBadFields(await patch({ add: Array.from({ length: 51 }, (_, i) => ({ scopeType: 'project', scopeId: `x${i}` })) }), ['add']);
    expectBadFields(await patch({ remove: [{ scopeType: 'tenant', scopeId: 't1' }] }), ['remove[0].scopeType']);
    expectBadFields(await patch([d1]), ['body']);
    expectBadFields(await h.http('PATCH', '/api/v1/datavolumes/not-a-uuid/sharedScopes', { token: dana, body: { add: [d1] } }), ['id']);
    expect((await h.http('GET', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana })).body).toEqual([]);
  });

  it('answers 404 for an unknown volume or scope and 403 without the right', async () => {
    expectErrorBody(await h.http('GET', `/api/v1/datavolumes/${UNKNOWN_ID}/sharedScopes`, { token: dana }), 404);
    expectErrorBody(
      await h.http('PATCH', `/api/v1/datavolumes/${UNKNOWN_ID}/sharedScopes`, { token: dana, body: { add: [{ scopeType: 'project', scopeId: 'p1' }] } }),
      404,
    );
    expectErrorBody(
      await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana, body: { add: [{ scopeType: 'project', scopeId: 'nowhere' }] } }),
      404,
    );
    const forbidden = await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, {
      token: alice,
      body: { add: [{ scopeType: 'department', scopeId: 'd1' }] },
    });
    expectErrorBody(forbidden, 403);
    expect((await h.http('GET', `/api/v1/datavolumes/${volume.id}/sharedScopes`, { token: dana })).body).toEqual([]);
  });
});

import { waitFor } from '@dv/testing';
import { GatewayHarness } from './gateway-harness';
import { userToken } from './oidc-client';
import { type PublicVolume, expectBadFields, expectErrorBody, readyVolume } from './http-expect';

/**
 * The extensions under /api/dv/v1 (decision 0022): check, batch check and who-can with authz's rules
 * for asking about others, a volume's usage and bindings, and admission review (dry run and real).
 */
const h = new GatewayHarness();
let dana: string; // data-admins: Data volume administrator in t1
let alice: string; // researchers, vision-team: L1 researcher in p1 once granted below
let oscar: string; // Cloud support at system: may read access rules, hence ask about others

const DATA_VOLUME_ADMINISTRATOR = 2256;
const L1_RESEARCHER = 5;
const CLOUD_SUPPORT = 1709;
const P1 = { scopeType: 'project', scopeId: 'p1' };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Decision {
  allowed: boolean;
  reason: string;
  grantedBy?: { roleName?: string };
  scopePath: { scopeId: string }[];
}

beforeAll(async () => {
  ({ dana, alice, oscar } = (await h.startAll({
    name: 'extensions',
    rules: [
      ['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'tenant', 't1'],
      ['user', 'oscar@acme.example', CLOUD_SUPPORT, 'system', 'system'],
    ],
    users: ['dana', 'alice', 'oscar'],
  })) as { dana: string; alice: string; oscar: string });
}, 30 * 60_000);

afterAll(() => h.stopAll(), 60_000);

describe('POST /api/dv/v1/check and /check-batch', () => {
  it("checks the caller (with its token's groups) and explains the decision", async () => {
    const answer = await h.http('POST', '/api/dv/v1/check', { token: dana, body: { action: 'create', resourceType: 'datavolumes', scope: P1 } });
    expect(answer.status).toBe(200);
    const decision = answer.body as Decision;
    expect(decision).toMatchObject({ allowed: true, reason: 'granted', grantedBy: expect.objectContaining({ roleName: 'Data volume administrator' }) });
    expect(decision.scopePath.map((s) => s.scopeId)).toEqual(['system', 't1', 'c1', 'd1', 'p1']);
    const no = await h.http('POST', '/api/dv/v1/check', { token: alice, body: { action: 'read', resourceType: 'datavolumes', scope: P1 } });
    expect(no).toMatchObject({ status: 200, body: { allowed: false, reason: 'no-matching-rule' } });
  });

  it('sees a rule just granted when asked with X-DV-At-Least its revision', async () => {
    const { revision } = await h.grant('user', 'alice@acme.example', L1_RESEARCHER, 'project', 'p1');
    const answer = await h.http('POST', '/api/dv/v1/check', {
      token: alice,
      body: { action: 'read', resourceType: 'datavolumes', scope: P1 },
      headers: { 'x-dv-at-least': JSON.stringify(revision) },
    });
    expect(answer).toMatchObject({ status: 200, body: { allowed: true } });
  });

  it("asks about another subject only with the right to read access rules there (authz's rule)", async () => {
    const aboutDana = {
      subject: { subjectId: 'dana@acme.example', subjectType: 'user', groups: ['data-admins'] },
      action: 'delete',
      resourceType: 'datavolumes',
      scope: P1,
    };
    expectErrorBody(await h.http('POST', '/api/dv/v1/check', { token: alice, body: aboutDana }), 403);
    expect(await h.http('POST', '/api/dv/v1/check', { token: oscar, body: aboutDana })).toMatchObject({ status: 200, body: { allowed: true } });
  });

  it('answers a batch in request order, all or nothing', async () => {
    const checks = [
      { action: 'create', resourceType: 'datavolumes', scope: P1 },
      { action: 'create', resourceType: 'access_rules', scope: P1 },
    ];
    const answer = await h.http('POST', '/api/dv/v1/check-batch', { token: dana, body: { checks } });
    expect(answer.status).toBe(200);
    expect((answer.body as { decisions: Decision[] }).decisions.map((d) => d.allowed)).toEqual([true, false]);
    const aboutOther = [...checks, { ...checks[0], subject: { subjectId: 'bob@acme.example', subjectType: 'user' } }];
    expectErrorBody(await h.http('POST', '/api/dv/v1/check-batch', { token: dana, body: { checks: aboutOther } }), 403);
  });

  it('refuses bad bodies naming the field, and unknown scopes with 404', async () => {
    const check = (body: unknown) => h.http('POST', '/api/dv/v1/check', { token: dana, body });
    expectBadFields(await check({ action: 'fly', resourceType: 'datavolumes', scope: P1 }), ['action']);
    expectBadFields(await check({ action: 'read', resourceType: 'datavolumes', scope: P1, why: 1 }), ['why']);
    expectBadFields(await check({ action: 'read', resourceType: 'datavolumes', scope: { ...P1, extra: 1 } }), ['scope.extra']);
    expectBadFields(await check({ action: 'read', resourceType: 'datavolumes', scope: P1, subject: { subjectId: 'g', subjectType: 'group' } }), [
      'subject.subjectType',
    ]);
    expectBadFields(await check({ action: 'read', resourceType: 'datavolumes' }), ['scope']);
    expectErrorBody(await check({ action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: 'nowhere' } }), 404);
    const many = Array.from({ length: 101 }, () => ({ action: 'read', resourceType: 'datavolumes', scope: P1 }));
    expectBadFields(await h.http('POST', '/api/dv/v1/check-batch', { token: dana, body: { checks: many } }), ['checks']);
    expectBadFields(await h.http('POST', '/api/dv/v1/check-batch', { token: dana, body: { checks: [] } }), ['checks']);
  });

  // check and check-batch are plain Fastify routes, who-can a Nest controller: the same bad input gets the same answer.
  it('answers bad input, a missing token and a bad X-DV-At-Least exactly as the Nest routes do', async () => {
    const valid = { action: 'read', resourceType: 'datavolumes', scope: P1 };
    // batch: the body check-batch gets where a valid one is needed for the case to reach what it tests.
    const cases: { name: string; token?: string; body?: string; batch?: string; headers?: Record<string, string> }[] = [
      { name: 'not JSON', token: dana, body: '{"action":' },
      { name: 'no body', token: dana, headers: { 'content-type': 'application/json' } },
      { name: 'JSON null', token: dana, body: 'null' },
      { name: 'not application/json', token: dana, body: 'action=read', headers: { 'content-type': 'text/plain' } },
      { name: 'too large', token: dana, body: JSON.stringify({ ...valid, pad: 'x'.repeat(2_000_000) }) },
      { name: 'no token', body: JSON.stringify(valid) },
      { name: 'a bad token', token: 'not-a-token', body: JSON.stringify(valid) },
      {
        name: 'a bad X-DV-At-Least',
        token: dana,
        body: JSON.stringify(valid),
        batch: JSON.stringify({ checks: [valid] }),
        headers: { 'x-dv-at-least': 'x' },
      },
    ];
    const varying = new Set(['date', 'x-request-id', 'traceparent', 'connection', 'keep-alive']);
    const comparable = (answer: { status: number; headers: Headers; body: unknown }) => ({
      status: answer.status,
      body: answer.body,
      headers: [...answer.headers.entries()].filter(([name]) => !varying.has(name)),
    });
    const call = (path: string, c: (typeof cases)[number], body: string | undefined) =>
      h.http('POST', path, {
        ...(c.token !== undefined ? { token: c.token } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(c.headers !== undefined ? { headers: c.headers } : {}),
      });
    for (const c of cases) {
      const nest = comparable(await call('/api/dv/v1/who-can', c, c.body));
      expect(nest.status).toBeGreaterThanOrEqual(400);
      expect({ case: c.name, ...comparable(await call('/api/dv/v1/check', c, c.body)) }).toEqual({ case: c.name, ...nest });
      expect({ case: c.name, ...comparable(await call('/api/dv/v1/check-batch', c, c.batch ?? c.body)) }).toEqual({ case: c.name, ...nest });
    }
  });
});

describe('POST /api/dv/v1/who-can', () => {
  it('names the subjects and their rules, for holders of access-rule read rights', async () => {
    const body = { action: 'create', resourceType: 'datavolumes', scope: P1 };
    const answer = await h.http('POST', '/api/dv/v1/who-can', { token: oscar, body });
    expect(answer.status).toBe(200);
    const subjects = (answer.body as { subjects: { subjectType: string; subjectId: string }[] }).subjects.map((s) => `${s.subjectType}:${s.subjectId}`);
    expect(subjects).toEqual(expect.arrayContaining(['group:data-admins', 'user:alice@acme.example']));
    expectErrorBody(await h.http('POST', '/api/dv/v1/who-can', { token: alice, body }), 403);
    expectBadFields(await h.http('POST', '/api/dv/v1/who-can', { token: oscar, body: { ...body, subject: { subjectId: 'x', subjectType: 'user' } } }), [
      'subject',
    ]);
  });
});

describe('admission review, usage and bindings', () => {
  let volume: PublicVolume;
  const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });

  beforeAll(async () => {
    volume = await readyVolume(h, dana, 'imagenet');
  }, 60_000);

  it('reviews a dry run: admitted with the patch, nothing bound or recorded', async () => {
    const answer = await h.http('POST', '/api/dv/v1/admission/review', {
      token: alice,
      body: { projectId: 'p1', workload: pod('try-1'), dataVolumes: [{ id: volume.id, mountPath: '/data' }], dryRun: true },
    });
    expect(answer).toMatchObject({ status: 200, body: { allowed: true, reasons: [], patch: expect.any(Array) } });
    expect(await h.http('GET', `/api/dv/v1/datavolumes/${volume.id}/usage`, { token: dana })).toMatchObject({
      status: 200,
      body: { volumeId: volume.id, workloads: [] },
    });
  });

  it('reviews for real: the workload is recorded as using the volume, which is bound in its namespace', async () => {
    const answer = await h.http('POST', '/api/dv/v1/admission/review', {
      token: alice,
      body: { projectId: 'p1', workload: pod('train-1'), workloadId: 'train-1-id', dataVolumes: [{ id: volume.id, mountPath: '/data' }] },
    });
    expect(answer).toMatchObject({ status: 200, body: { allowed: true } });
    // Usage is recorded from the admitted event (a durable consumer): wait for it.
    const usage = await waitFor(
      async () => {
        const answer = await h.http('GET', `/api/dv/v1/datavolumes/${volume.id}/usage`, { token: alice });
        return (answer.body as { workloads?: unknown[] }).workloads?.length ? answer : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'the usage of train-1 to be recorded' },
    );
    expect(usage).toMatchObject({
      status: 200,
      body: { volumeId: volume.id, workloads: [expect.objectContaining({ name: 'train-1', kind: 'Pod', projectId: 'p1' })] },
    });
    const bindings = await h.http('GET', `/api/dv/v1/datavolumes/${volume.id}/bindings`, { token: dana });
    expect(bindings).toMatchObject({ status: 200, body: { volumeId: volume.id, bindings: [expect.objectContaining({ namespace: h.namespaceOf('p1') })] } });
  });

  it('denies with every reason (200), and refuses reviewing for someone else (403) or bad bodies (400)', async () => {
    const denied = await h.http('POST', '/api/dv/v1/admission/review', {
      token: dana,
      body: { projectId: 'p1', workload: pod('nope'), dataVolumes: [{ id: volume.id, mountPath: '/data' }] },
    });
    expect(denied).toMatchObject({ status: 200, body: { allowed: false, reasons: [expect.objectContaining({ code: 'NOT_PERMITTED' })] } });
    expectErrorBody(
      await h.http('POST', '/api/dv/v1/admission/review', {
        token: dana,
        body: {
          projectId: 'p1',
          workload: pod('x'),
          subject: { subjectId: 'alice@acme.example', subjectType: 'user' },
          dataVolumes: [{ id: volume.id, mountPath: '/data' }],
        },
      }),
      403,
    );
    const review = (body: unknown) => h.http('POST', '/api/dv/v1/admission/review', { token: alice, body });
    expectBadFields(await review({ workload: pod('x'), dataVolumes: [{ id: volume.id, mountPath: '/data' }] }), ['projectId']);
    expectBadFields(await review({ projectId: 'p1', workload: pod('x'), dataVolumes: [{ id: volume.id, mountPath: 'data' }] }), ['dataVolumes[0].mountPath']);
    expectBadFields(await review({ projectId: 'p1', workload: pod('x'), dataVolumes: [{ id: volume.id, mountPath: '/data' }], dryrun: true }), ['dryrun']);
    expectBadFields(await review({ projectId: 'p1', workload: 'pod', dataVolumes: [{ id: volume.id, mountPath: '/data' }] }), ['workload']);
    // Without dataVolumes the workload must be a native one listing its mounts in its spec.
    expectBadFields(await review({ projectId: 'p1', workload: pod('x') }), ['workload.kind', 'workload.spec.storage']);
    expectBadFields(await review({ projectId: 'p1', workload: { kind: 'Workspace', spec: { storage: { dataVolume: [{ id: 'nope', mountPath: '/d' }] } } } }), [
      'workload.spec.storage.dataVolume[0].id',
    ]);
  });

  it('answers usage and bindings 404 for an unknown volume, 400 for a bad id, 403 without read rights', async () => {
    expectErrorBody(await h.http('GET', `/api/dv/v1/datavolumes/${UNKNOWN_ID}/usage`, { token: dana }), 404);
    expectBadFields(await h.http('GET', '/api/dv/v1/datavolumes/nope/bindings', { token: dana }), ['id']);
    const carol = await userToken(h.idp, 'carol@acme.example');
    expectErrorBody(await h.http('GET', `/api/dv/v1/datavolumes/${volume.id}/usage`, { token: carol }), 403);
  });
});

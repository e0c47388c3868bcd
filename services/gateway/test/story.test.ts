import { waitFor } from '@dv/testing';
import { GatewayHarness } from './gateway-harness';
import { type PublicVolume, expectErrorBody, revisionOf } from './http-expect';

/**
 * The seed's story over HTTP only (issue 14, "What must be shown"), every token from the real
 * provider (users of deploy/examples/org.yaml, signed in through the dev login app): a data admin
 * creates a volume from a Bound PVC and shares it with a department; a researcher of a project there
 * lists it as UsableInProject and has a workload admitted with it; an L2 researcher elsewhere cannot
 * see it; deletion is refused while the workload uses it; the audit log tells the story and verifies.
 * Only the access rules (the org's setup) are granted over NATS by the harness.
 */
const h = new GatewayHarness();
let dana: string; // data-admins
let bob: string; // L1 researcher in p2
let carol: string; // L2 researcher in p3
let oscar: string; // reads the audit log

const DATA_VOLUME_ADMINISTRATOR = 2256;
const L1_RESEARCHER = 5;
const L2_RESEARCHER = 8;
const CLOUD_SUPPORT = 1709;
const START = new Date(Date.now() - 3_600_000).toISOString();
const RANGE = `start=${encodeURIComponent(START)}&end=2100-01-01T00:00:00Z`;

interface AuditLog {
  subject: string;
  action: string;
  result: string;
  entity_type: string;
  metadata: { seq: number; event_type: string };
}

beforeAll(async () => {
  // The org's access rules: dana's group administers data volumes in department d1 (p1, p2), bob
  // researches in p2 (d1), carol is an L2 researcher in p3 (department d2), oscar reads the audit log.
  ({ dana, bob, carol, oscar } = (await h.startAll({
    name: 'story',
    rules: [
      ['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'department', 'd1'],
      ['user', 'bob@acme.example', L1_RESEARCHER, 'project', 'p2'],
      ['user', 'carol@acme.example', L2_RESEARCHER, 'project', 'p3'],
      ['user', 'oscar@acme.example', CLOUD_SUPPORT, 'system', 'system'],
    ],
    users: ['dana', 'bob', 'carol', 'oscar'],
  })) as { dana: string; bob: string; carol: string; oscar: string });
}, 30 * 60_000);

afterAll(() => h.stopAll(), 60_000);

describe("the seed's story, over HTTP only", () => {
  let volume: PublicVolume;
  let shareRevision: string;

  it('a data admin creates a data volume from a Bound PVC of her project; it becomes Ready', async () => {
    await h.originPvc(h.namespaceOf('p1'), 'coco');
    const created = await h.http('POST', '/api/v1/datavolumes', {
      token: dana,
      body: { name: 'coco', description: 'COCO 2017', projectId: 'p1', originPvcName: 'coco' },
    });
    expect(created).toMatchObject({ status: 201, body: { name: 'coco', createdBy: 'dana@acme.example', status: { phase: 'Creating' } } });
    volume = await waitFor(
      async () => {
        const answer = await h.http('GET', `/api/v1/datavolumes/${(created.body as PublicVolume).id}`, { token: dana });
        return (answer.body as PublicVolume).status.phase === 'Ready' ? (answer.body as PublicVolume) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'coco to be Ready' },
    );
  });

  it('she shares it with department d1', async () => {
    const shared = await h.http('PATCH', `/api/v1/datavolumes/${volume.id}/sharedScopes`, {
      token: dana,
      body: { add: [{ scopeType: 'department', scopeId: 'd1' }] },
    });
    expect(shared).toMatchObject({ status: 200, body: [{ scopeType: 'department', scopeId: 'd1', createdBy: 'dana@acme.example' }] });
    shareRevision = JSON.stringify(revisionOf(shared));
  });

  it('a researcher of p2 (in d1) lists it as UsableInProject', async () => {
    const usable = await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p2', {
      token: bob,
      headers: { 'x-dv-at-least': shareRevision },
    });
    expect(usable.status).toBe(200);
    expect((usable.body as { datavolumes: PublicVolume[] }).datavolumes.map((v) => v.name)).toEqual(['coco']);
  });

  it('an L2 researcher of p3 (department d2) cannot see it, nor have it admitted', async () => {
    const headers = { 'x-dv-at-least': shareRevision };
    const usable = await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p3', { token: carol, headers });
    expect(usable).toMatchObject({ status: 200, body: { datavolumes: [] } });
    expectErrorBody(await h.http('GET', `/api/v1/datavolumes/${volume.id}`, { token: carol }), 403);
    const review = await h.http('POST', '/api/dv/v1/admission/review', {
      token: carol,
      headers,
      body: { projectId: 'p3', workload: pod('carol-1'), dataVolumes: [{ id: volume.id, mountPath: '/data' }] },
    });
    expect(review).toMatchObject({ status: 200, body: { allowed: false, reasons: [expect.objectContaining({ code: 'NOT_SHARED', volumeId: volume.id })] } });
  });

  it("the researcher's workload in p2 is admitted with it, bound in p2's namespace", async () => {
    const review = await h.http('POST', '/api/dv/v1/admission/review', {
      token: bob,
      body: { projectId: 'p2', workloadId: 'bob-train-1', workload: pod('bob-train-1'), dataVolumes: [{ id: volume.id, mountPath: '/data' }] },
    });
    expect(review).toMatchObject({ status: 200, body: { allowed: true, bindings: [expect.objectContaining({ namespace: h.namespaceOf('p2') })] } });
    await waitFor(
      async () => {
        const usage = await h.http('GET', `/api/dv/v1/datavolumes/${volume.id}/usage`, { token: dana });
        return (usage.body as { workloads?: { name: string }[] }).workloads?.some((w) => w.name === 'bob-train-1') ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: "bob's workload to be recorded as using coco" },
    );
  });

  it('deletion is refused while the workload uses it, and the volume stays', async () => {
    const refused = await h.http('DELETE', `/api/v1/datavolumes/${volume.id}`, { token: dana });
    expectErrorBody(refused, 412);
    expect((refused.body as { message: string }).message).toMatch(/bob-train-1/);
    expect(((await h.http('GET', `/api/v1/datavolumes/${volume.id}`, { token: dana })).body as PublicVolume).status.phase).toBe('Ready');
  });

  it('the audit log returns the story in order, and the chain verifies', async () => {
    const story = await waitFor(
      async () => {
        const answer = await h.http('GET', `/api/v1/audit/log?${RANGE}&filterBy=related_ids==${volume.id}&sortBy=seq&numberOfSamples=100`, {
          token: oscar,
        });
        expect(answer.status).toBe(200);
        const logs = (answer.body as { audit_logs: AuditLog[] }).audit_logs;
        return logs.some((r) => r.action === 'delete' && r.result === 'Failed') ? logs : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'the refused deletion to be audited' },
    );
    const told = story.map((r) => `${r.subject} ${r.action} ${r.entity_type} ${r.result}`);
    const expected = [
      'dana@acme.example create volume Succeeded',
      'dana@acme.example share volume Succeeded',
      'carol@acme.example admit workload Failed',
      'bob@acme.example admit workload Succeeded',
      'dana@acme.example delete volume Failed',
    ];
    // The story's steps, in this order (the reconciler's and the bindings' records come between them).
    expect(told.filter((line) => expected.includes(line))).toEqual(expected);
    const verify = await h.http('GET', '/api/dv/v1/audit/verify', { token: oscar });
    expect(verify).toMatchObject({ status: 200, body: { ok: true } });
  });
});

function pod(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'pytorch/pytorch' }] } };
}

import { AdmissionRpc } from '@dv/contracts';
import { type DevIdentityProvider, HARNESS_ROOT, startDevIdentityProvider, waitFor } from '@dv/testing';
import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayHarness } from './gateway-harness';
import { AUDIENCE, type HydraClient, clientCredentialsToken, hydraAdmin, serviceAccountClient, userToken } from './oidc-client';

/**
 * The gateway's first slice against real servers: the identity provider (Ory Hydra and the dev login
 * app, users and groups of deploy/examples/org.yaml), nats-server with the platform's users (the
 * gateway as its own), the services as processes, FerretDB and the kube-apiserver. Every token comes
 * from the provider; every call goes over HTTP.
 */
const h = new GatewayHarness();
let idp: DevIdentityProvider;
let dir: string;
let dana: string; // data-admins: the group holds Data volume administrator in tenant t1
let alice: string; // researchers, vision-team: no access rule in this org

const DATA_VOLUME_ADMINISTRATOR = 2256;
const VOLUME_FIELDS = [
  'clusterId',
  'createdAt',
  'createdBy',
  'departmentId',
  'description',
  'id',
  'name',
  'originPvcName',
  'projectId',
  'projectName',
  'status',
  'updatedAt',
  'updatedBy',
  'useOriginalVolume',
];

interface Volume {
  id: string;
  name: string;
  status: { phase: string };
  sharedScopes?: unknown[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-gateway-test-'));
  idp = await startDevIdentityProvider({ dir });
  await h.startWithGateway(idp);
  await h.grant('group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'tenant', 't1');
  dana = await userToken(idp, 'dana@acme.example');
  alice = await userToken(idp, 'alice@acme.example');
}, 30 * 60_000); // the first run on a machine builds Hydra

afterAll(async () => {
  await h.stopPlatform();
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

function expectErrorBody(answer: { status: number; body: unknown }, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual(expect.objectContaining({ code: status, message: expect.any(String) }));
}

/** A 400 whose body names exactly these fields. */
function expectBadFields(answer: { status: number; body: unknown }, fields: string[]): void {
  expectErrorBody(answer, 400);
  const issues = ((answer.body as { details?: { issues?: { field: string }[] } }).details?.issues ?? []).map((i) => i.field);
  expect(issues).toEqual(fields);
  for (const field of fields) expect((answer.body as { message: string }).message).toContain(field);
}

describe('a data admin over HTTP, with a token from the real provider', () => {
  let created: Volume;

  it('creates a data volume from a Bound PVC (201, the reference shape, sharedScopes included)', async () => {
    await h.originPvc(h.namespaceOf('p1'), 'imagenet');
    const answer = await h.http('POST', '/api/v1/datavolumes', {
      token: dana,
      body: { name: 'imagenet', description: 'ImageNet 2012', projectId: 'p1', originPvcName: 'imagenet', useOriginalVolume: null },
    });
    expect(answer.status).toBe(201);
    created = answer.body as Volume;
    expect(Object.keys(created).sort()).toEqual([...VOLUME_FIELDS, 'sharedScopes'].sort());
    expect(created).toMatchObject({
      name: 'imagenet',
      description: 'ImageNet 2012',
      projectId: 'p1',
      projectName: 'Project p1',
      departmentId: 'd1',
      clusterId: 'c1',
      createdBy: 'dana@acme.example',
      useOriginalVolume: true,
      sharedScopes: [],
      status: { phase: 'Creating' },
    });
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gets it by id (with sharedScopes) until it is Ready, lists it (without) and counts it', async () => {
    const ready = await waitFor(
      async () => {
        const answer = await h.http('GET', `/api/v1/datavolumes/${created.id}`, { token: dana });
        expect(answer.status).toBe(200);
        const volume = answer.body as Volume;
        return volume.status.phase === 'Ready' ? volume : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the volume to be Ready over HTTP' },
    );
    expect(Object.keys(ready).sort()).toEqual([...VOLUME_FIELDS, 'sharedScopes'].sort());

    const list = await h.http('GET', '/api/v1/datavolumes?requestType=Originated&limit=10&sortBy=name&sortOrder=asc&filterBy[]=name=@image', { token: dana });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ datavolumes: [expect.objectContaining({ id: created.id, name: 'imagenet' })] });
    expect(Object.keys((list.body as { datavolumes: Volume[] }).datavolumes[0] ?? {}).sort()).toEqual(VOLUME_FIELDS);
    const usable = await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p1', { token: dana });
    expect((usable.body as { datavolumes: Volume[] }).datavolumes.map((v) => v.id)).toEqual([created.id]);
    const page = (await h.http('GET', '/api/v1/datavolumes?requestType=Originated&limit=500', { token: dana })).body as { datavolumes: Volume[] };
    expect(page.datavolumes.map((v) => v.name).filter((name) => name !== 'coco')).toEqual(['imagenet']);
    expect((await h.http('GET', '/api/v1/datavolumes/count?requestType=Originated&filterBy=name==other', { token: dana })).body).toEqual({ count: 0 });
  });

  it('pages with offset and limit, next being the offset of the next page', async () => {
    await h.originPvc(h.namespaceOf('p2'), 'coco');
    expect((await h.http('POST', '/api/v1/datavolumes', { token: dana, body: { name: 'coco', projectId: 'p2', originPvcName: 'coco' } })).status).toBe(201);
    const first = await h.http('GET', '/api/v1/datavolumes?requestType=Originated&sortBy=name&limit=1', { token: dana });
    expect(first.body).toEqual({ next: 1, datavolumes: [expect.objectContaining({ name: 'coco' })] });
    const second = await h.http('GET', '/api/v1/datavolumes?requestType=Originated&sortBy=name&limit=1&offset=1', { token: dana });
    expect(second.body).toEqual({ datavolumes: [expect.objectContaining({ name: 'imagenet' })] });
  });

  it('answers name availability: 204 free, 409 taken', async () => {
    expect((await h.http('GET', '/api/v1/datavolumes/name-availability?dataName=free-name&clusterId=c1', { token: dana })).status).toBe(204);
    const taken = await h.http('GET', '/api/v1/datavolumes/name-availability?dataName=imagenet&clusterId=c1', { token: dana });
    expectErrorBody(taken, 409);
    expect((taken.body as { message: string }).message).toBe('Resource with this name already exists');
  });

  it('patches the description only (answered without sharedScopes), refuses other fields by name', async () => {
    const patched = await h.http('PATCH', `/api/v1/datavolumes/${created.id}`, { token: dana, body: { description: 'ImageNet 2012, train and val' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: created.id, description: 'ImageNet 2012, train and val', updatedBy: 'dana@acme.example' });
    expect(Object.keys(patched.body as object).sort()).toEqual(VOLUME_FIELDS);
    expectBadFields(await h.http('PATCH', `/api/v1/datavolumes/${created.id}`, { token: dana, body: { description: 'x', name: 'renamed' } }), ['name']);
  });

  it('answers 404 for an unknown id and deletes with 202 {code, message}', async () => {
    expectErrorBody(await h.http('GET', '/api/v1/datavolumes/00000000-0000-4000-8000-000000000000', { token: dana }), 404);
    const coco = ((await h.http('GET', '/api/v1/datavolumes?requestType=Originated&filterBy=name==coco', { token: dana })).body as { datavolumes: Volume[] })
      .datavolumes[0];
    const deleted = await h.http('DELETE', `/api/v1/datavolumes/${coco?.id ?? ''}`, { token: dana });
    expect(deleted.status).toBe(202);
    expect(deleted.body).toEqual({ code: 202, message: 'Data volume coco is being deleted.' });
  });
});

async function imagenetId(): Promise<string> {
  const page = (await h.http('GET', '/api/v1/datavolumes?requestType=Originated&filterBy=name==imagenet', { token: dana })).body as { datavolumes: Volume[] };
  return page.datavolumes[0]?.id ?? '';
}

describe('a volume in use', () => {
  it('is not deleted while a workload uses it: 412 naming the workload, and it stays', async () => {
    const id = await imagenetId();
    const review = await h.client.call(
      AdmissionRpc.review,
      {
        projectId: 'p1',
        workloadId: 'train-1-id',
        workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'train-1' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
        subject: { subjectId: 'root', subjectType: 'user' },
        dataVolumes: [{ id, mountPath: '/data' }],
      },
      { identity: HARNESS_ROOT },
    );
    expect(review.allowed).toBe(true);
    // At once: the admission is in use from the moment the review answered (decision 0034), not once its record is written.
    const refused = await h.http('DELETE', `/api/v1/datavolumes/${id}`, { token: dana });
    expectErrorBody(refused, 412);
    expect((refused.body as { message: string }).message).toMatch(/train-1/);
    expect(((await h.http('GET', `/api/v1/datavolumes/${id}`, { token: dana })).body as Volume).status.phase).toBe('Ready');
  });
});

describe('authorization is the services’: the gateway only says who calls', () => {
  it('answers 403 to a researcher without an access rule, and lists nothing for them', async () => {
    const id = await imagenetId();
    expectErrorBody(await h.http('GET', `/api/v1/datavolumes/${id}`, { token: alice }), 403);
    await h.originPvc(h.namespaceOf('p1'), 'alices');
    expectErrorBody(await h.http('POST', '/api/v1/datavolumes', { token: alice, body: { name: 'alices', projectId: 'p1', originPvcName: 'alices' } }), 403);
    expectErrorBody(await h.http('DELETE', `/api/v1/datavolumes/${id}`, { token: alice }), 403);
    expect((await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { token: alice })).body).toEqual({ datavolumes: [] });
  });

  it('calls as a service account for a client-credentials token, authorized by its own rules', async () => {
    const client = await serviceAccountClient(idp);
    const token = await clientCredentialsToken(idp, client);
    const id = await imagenetId();
    expectErrorBody(await h.http('GET', `/api/v1/datavolumes/${id}`, { token }), 403);
    // A user rule of the same id would not do: the rule must name a service account.
    const rule = await h.grant('service-account', client.client_id, DATA_VOLUME_ADMINISTRATOR, 'project', 'p1');
    await waitFor(async () => ((await h.http('GET', `/api/v1/datavolumes/${id}`, { token })).status === 200 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: `the service account's rule ${rule.rule.id} to apply`,
    });
  });
});

describe('tokens: 401 whatever check fails, and nothing said about which', () => {
  const UNAUTHENTICATED = { code: 401, message: 'Missing or invalid bearer token.' };

  async function expect401(headers: Record<string, string>, challenge: string): Promise<void> {
    const answer = await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { headers });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHENTICATED);
    expect(answer.headers.get('www-authenticate')).toBe(challenge);
  }

  it('refuses no token, a malformed header, a forged signature, a foreign key and the wrong audience', async () => {
    await expect401({}, 'Bearer realm="dv"');
    const invalid = 'Bearer realm="dv", error="invalid_token"';
    await expect401({ authorization: `Basic ${Buffer.from('dana:dev-password').toString('base64')}` }, invalid);
    await expect401({ authorization: 'Bearer not-a-jwt' }, invalid);
    await expect401({ authorization: `Bearer ${dana.slice(0, dana.lastIndexOf('.') + 1)}${Buffer.alloc(256, 7).toString('base64url')}` }, invalid);
    // A token with every claim right, signed by a key of our own under the provider's key id.
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ groups: ['data-admins'] })
      .setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(dana).kid ?? '' })
      .setIssuer(idp.issuer)
      .setAudience(AUDIENCE)
      .setSubject('dana@acme.example')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect401({ authorization: `Bearer ${forged}` }, invalid);
    const otherApi = await serviceAccountClient(idp, 'other-api');
    await expect401({ authorization: `Bearer ${await clientCredentialsToken(idp, otherApi, 'other-api')}` }, invalid);
    // The same refusal on every API path, before the body is read.
    const post = await h.http('POST', '/api/v1/datavolumes', { body: '{not json' });
    expect(post.status).toBe(401);
  });

  it('refuses an expired token, even one it accepted (and cached) before', async () => {
    const client = await serviceAccountClient(idp);
    await hydraAdmin<HydraClient>(idp, 'PUT', `/admin/clients/${client.client_id}/lifespans`, { client_credentials_grant_access_token_lifespan: '2s' });
    const token = await clientCredentialsToken(idp, client);
    expect((await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect((await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { token })).body).toEqual(UNAUTHENTICATED);
  });

  it('picks up a signing key the provider rotates in', async () => {
    const kid = `rotated-${Date.now()}`;
    await hydraAdmin(idp, 'POST', '/admin/keys/hydra.jwt.access-token', { alg: 'RS256', kid, use: 'sig' });
    const token = await clientCredentialsToken(idp, await serviceAccountClient(idp));
    expect(decodeProtectedHeader(token).kid).toBe(kid);
    // The key set is fetched again for an unknown key id, at most once per cool-down (5 s).
    await waitFor(async () => ((await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { token })).status === 200 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 500,
      what: 'the rotated key to be accepted',
    });
  });
});

describe('bad input: 400 naming the field, never 5xx, nothing changed', () => {
  it('refuses malformed and wrongly typed bodies, unknown fields and unsupported options', async () => {
    expectBadFields(await h.http('POST', '/api/v1/datavolumes', { token: dana, body: '{"name": "x",' }), ['body']);
    expectBadFields(await h.http('POST', '/api/v1/datavolumes', { token: dana, body: '[1, 2]' }), ['body']);
    const notJson = await h.http('POST', '/api/v1/datavolumes', { token: dana, body: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect([400, 415]).toContain(notJson.status);
    expectErrorBody(notJson, notJson.status);
    expectBadFields(await h.http('POST', '/api/v1/datavolumes', { token: dana, body: { name: 42, projectId: 'p1', originPvcName: 'imagenet' } }), ['name']);
    expectBadFields(
      await h.http('POST', '/api/v1/datavolumes', { token: dana, body: { name: 'Bad Name', projectId: 'p1', originPvcName: 'imagenet', size: '10Gi' } }),
      ['name', 'size'],
    );
    expectBadFields(await h.http('POST', '/api/v1/datavolumes', { token: dana, body: { projectId: 'p1', originPvcName: 'imagenet' } }), ['name']);
    expectBadFields(
      await h.http('POST', '/api/v1/datavolumes', {
        token: dana,
        body: { name: 'keepit', projectId: 'p1', originPvcName: 'imagenet', shouldDeleteOriginalVolume: true },
      }),
      ['shouldDeleteOriginalVolume'],
    );
    expectBadFields(
      await h.http('POST', '/api/v1/datavolumes', {
        token: dana,
        body: { name: 'long', projectId: 'p1', originPvcName: 'imagenet', description: 'x'.repeat(128) },
      }),
      ['description'],
    );
    expectErrorBody(await h.http('POST', '/api/v1/datavolumes', { token: dana, body: JSON.stringify({ name: 'big', description: 'x'.repeat(70_000) }) }), 413);
  });

  it('refuses bad paging, sorting, filters, ids and parameters', async () => {
    const list = (query: string) => h.http('GET', `/api/v1/datavolumes${query}`, { token: dana });
    expectBadFields(await list(''), ['requestType']);
    expectBadFields(await list('?requestType=Originated&limit=501'), ['limit']);
    expectBadFields(await list('?requestType=Originated&limit=abc'), ['limit']);
    expectBadFields(await list('?requestType=Originated&offset=-5'), ['offset']);
    expectBadFields(await list('?requestType=Originated&sortBy=size'), ['sortBy']);
    expectBadFields(await list('?requestType=Originated&filterBy[]=name~~x'), ['filterBy[0]']);
    expectBadFields(await list('?requestType=Originated&filterBy=size==1'), ['filterBy[0]']);
    expectBadFields(await list('?requestType=UsableInProject'), ['usableInProjectId']);
    expectBadFields(await list('/count?requestType=Originated&pageSize=3'), ['pageSize']);
    expectBadFields(await h.http('GET', '/api/v1/datavolumes/not-a-uuid', { token: dana }), ['id']);
    expectBadFields(await h.http('GET', '/api/v1/datavolumes/name-availability?dataName=Bad', { token: dana }), ['dataName', 'clusterId']);
    expectErrorBody(await h.http('GET', '/api/v1/nothing-here', { token: dana }), 404);
  });

  it('answers odd input on every data-volume call with 4xx', async () => {
    const id = await imagenetId();
    const bodies: unknown[] = [
      null,
      0,
      'x',
      [],
      {},
      { name: null },
      { name: 'ok', projectId: { $gt: '' }, originPvcName: 'x' },
      { __proto__: { admin: true }, name: 'a' },
      { description: 'é'.repeat(200) },
      JSON.parse('{"a":'.repeat(60) + '1' + '}'.repeat(60)) as unknown,
    ];
    const paths = [
      '/api/v1/datavolumes',
      `/api/v1/datavolumes/${id}`,
      '/api/v1/datavolumes/%00',
      '/api/v1/datavolumes/..%2F..%2Fetc',
      '/api/v1/datavolumes/count',
    ];
    const queries = [
      '',
      '?requestType=Originated&limit=1e3',
      '?requestType=Originated&offset=99999999999',
      '?requestType=Originated&filterBy=' + encodeURIComponent('name=='.repeat(100)),
      '?requestType=Originated&search=' + 'x'.repeat(300),
      '?requestType[]=Originated',
      '?requestType=Originated&sortBy=__proto__',
      '?requestType=UsableInProject&usableInProjectId=*',
    ];
    const statuses: number[] = [];
    for (const method of ['POST', 'PATCH'])
      for (const path of paths) for (const body of bodies) statuses.push((await h.http(method, path, { token: dana, body: JSON.stringify(body) })).status);
    for (const path of paths) for (const query of queries) statuses.push((await h.http('GET', `${path}${query}`, { token: dana })).status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status < 400).length).toBeLessThan(statuses.length);
  });

  it('changed nothing, and answered none of it with 5xx', async () => {
    const page = (await h.http('GET', '/api/v1/datavolumes?requestType=Originated&limit=500', { token: dana })).body as { datavolumes: Volume[] };
    expect(page.datavolumes.map((v) => v.name).filter((name) => name !== 'coco')).toEqual(['imagenet']);
    const metrics = await (await fetch(`http://127.0.0.1:${h.gateway.healthPort}/metrics`)).text();
    expect(metrics).toContain('dv_gateway_http_requests_total{method="POST",route="/api/v1/datavolumes",status="400"}');
    expect(metrics).not.toMatch(/dv_gateway_http_requests_total\{[^}]*status="5\d\d"\}/);
  });
});

describe('as a service', () => {
  it('is ready (NATS, the provider keys) and drains on SIGTERM, exiting 0', async () => {
    const ready = await fetch(`http://127.0.0.1:${h.gateway.healthPort}/readyz`);
    expect(ready.status).toBe(200);
    const replica = await h.addReplica({ name: 'gateway', env: { GATEWAY_PORT: '0', GATEWAY_OIDC_ISSUER: idp.issuer, GATEWAY_OIDC_AUDIENCE: AUDIENCE } });
    // At once: a signal right after the ready line must be handled (drained), not kill the process.
    await replica.stop();
    expect({ code: replica.child.exitCode, signal: replica.child.signalCode }).toEqual({ code: 0, signal: null });
    expect(replica.output()).toContain('"msg":"service stopping"');
  });

  it('finishes a request in flight when SIGTERM comes, then exits 0', async () => {
    const replica = await h.addReplica({ name: 'gateway', env: { GATEWAY_PORT: '0', GATEWAY_OIDC_ISSUER: idp.issuer, GATEWAY_OIDC_AUDIENCE: AUDIENCE } });
    const port = /"msg":"service ready".*?"httpPort":(\d+)/.exec(replica.output())?.[1] ?? '';
    const id = await imagenetId();
    const volume = h.processes.get('volume')?.[0];
    // The volume service paused: the request waits for its answer inside the gateway.
    volume?.child.kill('SIGSTOP');
    try {
      const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/datavolumes/${id}`, { headers: { authorization: `Bearer ${dana}` } });
      await new Promise((resolve) => setTimeout(resolve, 500));
      replica.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(replica.child.exitCode).toBeNull(); // still draining
      volume?.child.kill('SIGCONT');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as Volume).id).toBe(id);
    } finally {
      volume?.child.kill('SIGCONT');
    }
    await replica.stop();
    expect({ code: replica.child.exitCode, signal: replica.child.signalCode }).toEqual({ code: 0, signal: null });
  }, 20_000);
});

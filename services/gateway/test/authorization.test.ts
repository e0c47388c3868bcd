import { AuthzRpc } from '@dv/contracts';
import { type DevIdentityProvider, HARNESS_ROOT, startDevIdentityProvider } from '@dv/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORIZATION_OPERATIONS } from '../src/authorization/operations';
import { GatewayHarness, type HttpAnswer } from './gateway-harness';
import { userToken } from './oidc-client';

/**
 * The authorization calls of the REST API (`/api/v1/authorization`, issue 14) against real servers:
 * the identity provider (Ory Hydra and the dev login app, users and groups of deploy/examples/org.yaml),
 * nats-server with the platform's users, authz and the other services as processes, FerretDB. Every
 * token comes from the provider; every call goes over HTTP.
 */
const h = new GatewayHarness();
let idp: DevIdentityProvider;
let dir: string;
let oscar: string; // tenant admin: System administrator in t1 (granted over NATS by the harness's root)
let alice: string; // researchers, vision-team: no rule of her own at the start
let bob: string; // researchers, vision-team

const SYSTEM_ADMINISTRATOR = 1;
const RESEARCH_MANAGER = 4;
const L1_RESEARCHER = 5;
const VIEWER = 7;
const DATA_VOLUME_ADMINISTRATOR = 2256;
const UNKNOWN_ID = 987654321;
const PATH = '/api/v1/authorization';

const ROLE_FIELDS = ['createdAt', 'createdBy', 'custom', 'description', 'effectiveEnabled', 'id', 'kubernetesPermissions', 'name', 'permissions', 'updatedAt'];
const RULE_FIELDS = [
  'clusterId',
  'createdAt',
  'createdBy',
  'id',
  'roleId',
  'roleName',
  'scopeId',
  'scopeName',
  'scopeType',
  'status',
  'subjectId',
  'subjectType',
  'tenantId',
  'updatedAt',
];

interface Rule {
  id: number;
  subjectId: string;
  subjectType: string;
  roleId: number;
  scopeType: string;
  scopeId: string;
  status: { phase: string; message: string };
  scopePath?: string;
}
interface RulePage {
  totalRecords: number;
  displayRecords: number;
  accessRules: Rule[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-gateway-authz-test-'));
  idp = await startDevIdentityProvider({ dir });
  await h.startWithGateway(idp);
  await h.grant('user', 'oscar@acme.example', SYSTEM_ADMINISTRATOR, 'tenant', 't1');
  // One sign-in at a time: Hydra's in-memory store refused concurrent ones ("The error is unrecognizable").
  oscar = await userToken(idp, 'oscar@acme.example');
  alice = await userToken(idp, 'alice@acme.example');
  bob = await userToken(idp, 'bob@acme.example');
}, 30 * 60_000); // the first run on a machine builds Hydra

afterAll(async () => {
  await h.stopPlatform();
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

function expectErrorBody(answer: HttpAnswer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual(expect.objectContaining({ code: status, message: expect.any(String) }));
}

/** A 400 whose body names exactly these fields. */
function expectBadFields(answer: HttpAnswer, fields: string[]): void {
  expectErrorBody(answer, 400);
  const issues = ((answer.body as { details?: { issues?: { field: string }[] } }).details?.issues ?? []).map((i) => i.field);
  expect(issues).toEqual(fields);
  for (const field of fields) expect((answer.body as { message: string }).message).toContain(field);
}

/** The answer is one its operation documents: the status among its responses, the body its schema's (the OpenAPI document's source). */
function expectDocumented(operationId: string, answer: HttpAnswer): void {
  const operation = AUTHORIZATION_OPERATIONS.find((o) => o.operationId === operationId);
  const response = operation?.responses[answer.status];
  expect(response).toBeDefined();
  const schema = response?.schema;
  if (schema === undefined) expect(answer.body).toBeUndefined();
  else expect(schema.safeParse(answer.body).error?.issues ?? []).toEqual([]);
}

function revisionOf(answer: HttpAnswer): string {
  const revision = answer.headers.get('x-dv-revision') ?? '';
  expect(JSON.parse(revision)).toEqual({ events: expect.any(Number) });
  return revision;
}

async function createRule(token: string, body: Record<string, unknown>): Promise<{ rule: Rule; revision: string }> {
  const answer = await h.http('POST', `${PATH}/access-rules`, { token, body });
  expect(answer.status).toBe(201);
  expectDocumented('createAccessRule', answer);
  return { rule: answer.body as Rule, revision: revisionOf(answer) };
}

describe('roles', () => {
  it('lists the whole catalog (18 roles) in the reference shape, equal to what authz holds', async () => {
    const answer = await h.http('GET', `${PATH}/roles`, { token: oscar });
    expect(answer.status).toBe(200);
    expectDocumented('listRoles', answer);
    const roles = answer.body as { id: number; name: string; createdAt: string; updatedAt: string; permissions: unknown[] }[];
    expect(roles).toHaveLength(18);
    const catalog = await h.client.call(AuthzRpc.listRoles, { limit: 500 }, { identity: HARNESS_ROOT });
    expect(roles.map((r) => [r.id, r.name, r.permissions])).toEqual(catalog.roles.map((r) => [r.id, r.name, r.permissions]));
    for (const role of roles) {
      expect(Object.keys(role).sort()).toEqual(ROLE_FIELDS);
      expect(role).toMatchObject({ custom: false, effectiveEnabled: true, kubernetesPermissions: { predefinedRole: null }, createdBy: 'system' });
      expect(role.updatedAt).toBe(role.createdAt);
    }
    const searched = await h.http('GET', `${PATH}/roles?search=DATA%20volume`, { token: oscar });
    expect((searched.body as { name: string }[]).map((r) => r.name)).toEqual(['Data volume administrator']);
  });

  it('gets a role by its integer id; 404 for an unknown one, 400 naming id for a non-integer', async () => {
    const answer = await h.http('GET', `${PATH}/roles/${DATA_VOLUME_ADMINISTRATOR}`, { token: oscar });
    expect(answer.status).toBe(200);
    expectDocumented('getRole', answer);
    expect(answer.body).toMatchObject({ id: DATA_VOLUME_ADMINISTRATOR, name: 'Data volume administrator' });
    expect(Object.keys(answer.body as object).sort()).toEqual(ROLE_FIELDS);
    expectErrorBody(await h.http('GET', `${PATH}/roles/999999`, { token: oscar }), 404);
    expectBadFields(await h.http('GET', `${PATH}/roles/admin`, { token: oscar }), ['id']);
  });
});

describe('a tenant admin grants a rule over HTTP', () => {
  it("lets the subject's next call, sent with the write's X-DV-Revision as X-DV-At-Least, through", async () => {
    // Viewing roles needs roles read somewhere: a researcher without a rule is refused.
    expectErrorBody(await h.http('GET', `${PATH}/roles`, { token: alice }), 403);
    const { rule, revision } = await createRule(oscar, {
      subjectId: 'alice@acme.example',
      subjectType: 'user',
      roleId: RESEARCH_MANAGER,
      scopeType: 'project',
      scopeId: 'p1',
    });
    expect(Object.keys(rule).sort()).toEqual(RULE_FIELDS);
    expect(Number.isInteger(rule.id) && rule.id > 0).toBe(true); // the reference's integer ids
    expect(rule).toMatchObject({
      subjectId: 'alice@acme.example',
      roleId: RESEARCH_MANAGER,
      roleName: 'Research manager',
      scopeType: 'project',
      scopeId: 'p1',
      scopeName: 'Project p1',
      clusterId: 'c1',
      tenantId: 't1',
      createdBy: 'oscar@acme.example',
      status: { phase: 'Ready' },
    });
    const next = await h.http('GET', `${PATH}/roles`, { token: alice, headers: { 'x-dv-at-least': revision } });
    expect(next.status).toBe(200);
    expect(next.body).toHaveLength(18);
  });

  it('gets the rule by id with its scope path; 404 for an unknown id, 400 naming id for a malformed one', async () => {
    const { rule, revision } = await createRule(oscar, {
      subjectId: 'vision-team',
      subjectType: 'group',
      roleId: VIEWER,
      scopeType: 'department',
      scopeId: 'd1',
    });
    const answer = await h.http('GET', `${PATH}/access-rules/${rule.id}`, { token: oscar, headers: { 'x-dv-at-least': revision } });
    expect(answer.status).toBe(200);
    expectDocumented('getAccessRule', answer);
    expect(answer.body).toEqual({ ...rule, scopePath: 't1/c1/d1' });
    expectErrorBody(await h.http('GET', `${PATH}/access-rules/${UNKNOWN_ID}`, { token: oscar }), 404);
    expectBadFields(await h.http('GET', `${PATH}/access-rules/${rule.id}x`, { token: oscar }), ['id']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules/0`, { token: oscar }), ['id']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules/00000000-0000-4000-8000-000000000000`, { token: oscar }), ['id']);
  });

  it('refuses a researcher creating rules (403), and the same rule twice (409)', async () => {
    const body = { subjectId: 'bob@acme.example', subjectType: 'user', roleId: L1_RESEARCHER, scopeType: 'project', scopeId: 'p1' };
    expectErrorBody(await h.http('POST', `${PATH}/access-rules`, { token: bob, body }), 403);
    // alice is Research manager in p1 (access_rules crud there), but may not grant what she lacks: System administrator.
    expectErrorBody(await h.http('POST', `${PATH}/access-rules`, { token: alice, body: { ...body, roleId: SYSTEM_ADMINISTRATOR } }), 403);
    await createRule(oscar, body);
    expectErrorBody(await h.http('POST', `${PATH}/access-rules`, { token: oscar, body }), 409);
  });
});

describe('listing and counting access rules', () => {
  const users = ['list-a@acme.example', 'list-b@acme.example', 'list-c@acme.example'];
  let revision = '';

  beforeAll(async () => {
    const answer = await h.http('POST', `${PATH}/access-rules/batch-create`, {
      token: oscar,
      body: {
        payload: {
          roleId: VIEWER,
          subjects: users.map((subjectId) => ({ subjectId, subjectType: 'user' })),
          scopes: [
            { scopeType: 'project', scopeId: 'p2' },
            { scopeType: 'department', scopeId: 'd2' },
          ],
        },
      },
    });
    expect(answer.status).toBe(200);
    expect((answer.body as { succeeded: Rule[] }).succeeded).toHaveLength(6);
    revision = revisionOf(answer);
  });

  async function list(query: string, token = oscar): Promise<RulePage> {
    const answer = await h.http('GET', `${PATH}/access-rules?${query}`, { token, headers: { 'x-dv-at-least': revision } });
    expect(answer.status).toBe(200);
    expectDocumented('listAccessRules', answer);
    return answer.body as RulePage;
  }

  it('filters by subject, role, scope and cluster, with the reference page shape', async () => {
    const byFilter = await list('subjectIdFilter=LIST-&roleId=7');
    expect(byFilter.totalRecords).toBe(6);
    expect(byFilter.displayRecords).toBe(6);
    for (const rule of byFilter.accessRules) expect(Object.keys(rule).sort()).toEqual(RULE_FIELDS);
    expect((await list('subjectIds=list-a@acme.example&subjectIds=list-b@acme.example&scopeType=project')).accessRules.map((r) => r.subjectId).sort()).toEqual([
      'list-a@acme.example',
      'list-b@acme.example',
    ]);
    expect((await list('subjectIdFilter=list-&scopeType=department&scopeId=d2')).totalRecords).toBe(3);
    expect((await list('subjectIdFilter=list-&clusterId=c2')).totalRecords).toBe(0);
    expect((await list('subjectType=group&roleId=7')).accessRules.map((r) => r.subjectId)).toEqual(['vision-team']);
    expect((await list('filterBy[]=subjectId=^list-c&filterBy[]=scopeType==project')).accessRules.map((r) => r.subjectId)).toEqual(['list-c@acme.example']);
    expect((await list('search=list-b&subjectIdFilter=list')).totalRecords).toBe(2);
  });

  it('sorts and pages with offset and limit; count gives the same total', async () => {
    const first = await list('subjectIdFilter=list-&sortBy=subjectId&sortOrder=desc&limit=4');
    expect(first).toMatchObject({ totalRecords: 6, displayRecords: 4 });
    const second = await list('subjectIdFilter=list-&sortBy=subjectId&sortOrder=desc&limit=4&offset=4');
    expect(second).toMatchObject({ totalRecords: 6, displayRecords: 2 });
    const subjects = [...first.accessRules, ...second.accessRules].map((r) => r.subjectId);
    expect(subjects).toEqual([...subjects].sort().reverse());
    expect(new Set([...first.accessRules, ...second.accessRules].map((r) => r.id)).size).toBe(6);
    const count = await h.http('GET', `${PATH}/access-rules/count?subjectIdFilter=list-&scopeType=project`, {
      token: oscar,
      headers: { 'x-dv-at-least': revision },
    });
    expect(count.body).toEqual({ count: 3 });
    expectDocumented('countAccessRules', count);
    expect((await h.http('GET', `${PATH}/access-rules/count?filterBy=subjectId==nobody`, { token: oscar })).body).toEqual({ count: 0 });
  });

  it("shows a researcher only their own rules and their groups'", async () => {
    const page = await list('limit=500', bob);
    expect(page.accessRules.map((r) => r.subjectId).sort()).toEqual(['bob@acme.example', 'vision-team']);
  });
});

describe('batch-create', () => {
  it('creates item by item: one failing item answers its own status and payload, the others are made', async () => {
    const answer = await h.http('POST', `${PATH}/access-rules/batch-create`, {
      token: oscar,
      body: {
        payload: {
          roleId: VIEWER,
          subjects: [{ subjectId: 'batch-x@acme.example', subjectType: 'user' }],
          scopes: [
            { scopeType: 'project', scopeId: 'p3' },
            { scopeType: 'project', scopeId: 'no-such-project' },
          ],
        },
      },
    });
    expect(answer.status).toBe(200);
    revisionOf(answer);
    const { succeeded, failed } = answer.body as { succeeded: Rule[]; failed: unknown[] };
    expect(succeeded.map((r) => [r.subjectId, r.scopeId, r.status.phase])).toEqual([['batch-x@acme.example', 'p3', 'Ready']]);
    expect(Object.keys(succeeded[0] ?? {}).sort()).toEqual(RULE_FIELDS);
    expect(failed).toEqual([
      {
        payload: { subjectId: 'batch-x@acme.example', subjectType: 'user', roleId: VIEWER, scopeType: 'project', scopeId: 'no-such-project' },
        code: 404,
        message: expect.stringContaining('no-such-project'),
      },
    ]);
  });
});

describe('batch-create beyond 100 rules', () => {
  it('makes the first 100 subject × scope pairs (in two calls of authz) and fails the rest alone with 400', async () => {
    const subjects = Array.from({ length: 11 }, (_, i) => ({ subjectId: `wide-${String(i).padStart(2, '0')}@acme.example`, subjectType: 'user' }));
    const scopes = ['p1', 'p2', 'p3', 'p4']
      .flatMap((p) => [{ scopeType: 'project', scopeId: p }])
      .concat(
        ['d1', 'd2', 'd3'].map((d) => ({ scopeType: 'department', scopeId: d })),
        ['c1', 'c2'].map((c) => ({ scopeType: 'cluster', scopeId: c })),
        [{ scopeType: 'tenant', scopeId: 't1' }],
      ); // 10 scopes × 11 subjects = 110 pairs
    const answer = await h.http('POST', `${PATH}/access-rules/batch-create`, { token: oscar, body: { payload: { roleId: VIEWER, subjects, scopes } } });
    expect(answer.status).toBe(200);
    expectDocumented('batchCreateAccessRules', answer);
    const { succeeded, failed } = answer.body as { succeeded: Rule[]; failed: { payload: { subjectId: string; scopeId: string }; code: number }[] };
    expect(succeeded).toHaveLength(100);
    expect(new Set(succeeded.map((r) => r.subjectId)).size).toBe(10);
    expect(failed.map((f) => [f.payload.subjectId, f.payload.scopeId, f.code])).toEqual(scopes.map((s) => ['wide-10@acme.example', s.scopeId, 400]));
    const count = await h.http('GET', `${PATH}/access-rules/count?subjectIdFilter=wide-`, { token: oscar, headers: { 'x-dv-at-least': revisionOf(answer) } });
    expect(count.body).toEqual({ count: 100 });
  });
});

describe('batch delete and validate_delete', () => {
  it('validate_delete answers per id what delete would and changes nothing; delete removes', async () => {
    const made = await h.http('POST', `${PATH}/access-rules/batch-create`, {
      token: oscar,
      body: {
        payload: {
          roleId: VIEWER,
          subjects: [
            { subjectId: 'gone-1@acme.example', subjectType: 'user' },
            { subjectId: 'gone-2@acme.example', subjectType: 'user' },
          ],
          scopes: [{ scopeType: 'project', scopeId: 'p4' }],
        },
      },
    });
    const ids = (made.body as { succeeded: Rule[] }).succeeded.map((r) => r.id);
    expect(ids).toHaveLength(2);
    const atLeast = { 'x-dv-at-least': revisionOf(made) };

    const validated = await h.http('POST', `${PATH}/access-rules/batch`, {
      token: oscar,
      headers: atLeast,
      body: { ids: [...ids, UNKNOWN_ID], action: 'validate_delete' },
    });
    expect(validated.status).toBe(200);
    expectDocumented('batchAccessRules', validated);
    expect(validated.body).toEqual({
      succeeded: ids.map((id) => ({ id })),
      failed: [{ id: UNKNOWN_ID, code: 404, message: expect.any(String) }],
    });
    expect(validated.headers.get('x-dv-revision')).toBeNull();
    for (const id of ids) expect(((await h.http('GET', `${PATH}/access-rules/${id}`, { token: oscar })).body as Rule).status.phase).toBe('Ready');

    // bob sees his own rule but may not delete it: 403 for validate_delete as for delete, and it stays.
    const bobs = (await h.http('GET', `${PATH}/me/access-rules?search=bob`, { token: bob })).body as { accessRules: RulePage };
    const bobsRule = bobs.accessRules.accessRules[0]?.id ?? 0;
    for (const action of ['validate_delete', 'delete']) {
      const refused = await h.http('POST', `${PATH}/access-rules/batch`, { token: bob, body: { ids: [bobsRule], action } });
      expect(refused.body).toEqual({ succeeded: [], failed: [{ id: bobsRule, code: 403, message: expect.any(String) }] });
    }

    const deleted = await h.http('POST', `${PATH}/access-rules/batch`, { token: oscar, body: { ids: [...ids, UNKNOWN_ID], action: 'delete' } });
    expect(deleted.status).toBe(200);
    expectDocumented('batchAccessRules', deleted);
    expect(deleted.body).toEqual({ succeeded: ids.map((id) => ({ id })), failed: [{ id: UNKNOWN_ID, code: 404, message: expect.any(String) }] });
    const after = { 'x-dv-at-least': revisionOf(deleted) };
    for (const id of ids) {
      const rule = (await h.http('GET', `${PATH}/access-rules/${id}`, { token: oscar, headers: after })).body as Rule & { deletedBy: string };
      expect(rule).toMatchObject({ status: { phase: 'NotReady' }, deletedBy: 'oscar@acme.example' });
    }
    expect((await h.http('GET', `${PATH}/access-rules/count?subjectIdFilter=gone-`, { token: oscar, headers: after })).body).toEqual({ count: 0 });
    expect((await h.http('GET', `${PATH}/access-rules/count?subjectIdFilter=gone-&includeDeleted=true`, { token: oscar, headers: after })).body).toEqual({
      count: 2,
    });

    // Deleted already: 412 for both actions, and DELETE /{id} alone says the same.
    for (const action of ['validate_delete', 'delete']) {
      const again = await h.http('POST', `${PATH}/access-rules/batch`, { token: oscar, body: { ids: [ids[0]], action } });
      expect(again.body).toEqual({ succeeded: [], failed: [{ id: ids[0], code: 412, message: expect.stringContaining('already deleted') }] });
    }
    expectErrorBody(await h.http('DELETE', `${PATH}/access-rules/${ids[0] ?? 0}`, { token: oscar }), 412);
  });

  it('DELETE /access-rules/{id} answers 204 with X-DV-Revision; a researcher gets 403', async () => {
    const { rule } = await createRule(oscar, { subjectId: 'solo@acme.example', subjectType: 'user', roleId: VIEWER, scopeType: 'cluster', scopeId: 'c2' });
    expectErrorBody(await h.http('DELETE', `${PATH}/access-rules/${rule.id}`, { token: bob }), 403);
    const answer = await h.http('DELETE', `${PATH}/access-rules/${rule.id}`, { token: oscar });
    expect(answer.status).toBe(204);
    expectDocumented('deleteAccessRule', answer);
    expect(answer.body).toBeUndefined();
    revisionOf(answer);
  });
});

describe("the caller's own rules, permissions and permitted scopes", () => {
  it('lists and counts my rules (mine and my groups’), searched and paged', async () => {
    const all = await h.http('GET', `${PATH}/me/access-rules`, { token: alice });
    expect(all.status).toBe(200);
    expectDocumented('listMyAccessRules', all);
    const page = (all.body as { accessRules: RulePage }).accessRules;
    expect(page.accessRules.map((r) => r.subjectId).sort()).toEqual(['alice@acme.example', 'vision-team']);
    expect(page).toMatchObject({ totalRecords: 2, displayRecords: 2 });
    const second = (await h.http('GET', `${PATH}/me/access-rules?limit=1&offset=1`, { token: alice })).body as { accessRules: RulePage };
    expect(second.accessRules).toMatchObject({ totalRecords: 2, displayRecords: 1, accessRules: [{ id: page.accessRules[1]?.id }] });
    const searched = (await h.http('GET', `${PATH}/me/access-rules?search=research%20MANAGER`, { token: alice })).body as { accessRules: RulePage };
    expect(searched.accessRules.accessRules.map((r) => r.roleId)).toEqual([RESEARCH_MANAGER]);
    const mine = await h.http('GET', `${PATH}/me/access-rules/count`, { token: alice });
    expectDocumented('countMyAccessRules', mine);
    expect(mine.body).toEqual({ count: 2 });
    expect((await h.http('GET', `${PATH}/me/access-rules/count?search=viewer`, { token: alice })).body).toEqual({ count: 1 });
  });

  it('sums up my permissions: per resource type the actions my rules grant somewhere', async () => {
    const answer = await h.http('GET', `${PATH}/permissions`, { token: alice });
    expect(answer.status).toBe(200);
    expectDocumented('getMyPermissions', answer);
    const mine = answer.body as { resourceType: string; displayName: string; groupId: string; actions: string[] }[];
    expect(mine.find((p) => p.resourceType === 'access_rules')).toEqual({
      resourceType: 'access_rules',
      displayName: 'Access rules',
      groupId: 'iam',
      actions: ['create', 'read', 'update', 'delete'],
    });
    const nothing = await h.http('GET', `${PATH}/permissions`, { token: await userToken(idp, 'dave@acme.example') });
    expect(nothing.body).toEqual([]);
  });

  it('answers the scopes where I may act, per action, in the reference shape', async () => {
    const read = await h.http('POST', `${PATH}/permitted-scopes`, { token: alice, body: { resourceType: 'access_rules', action: 'read' } });
    expect(read.status).toBe(200);
    expectDocumented('getPermittedScopes', read);
    expect(read.body).toEqual({ read: { system: false, tenants: [], tenant: false, clusters: [], departments: [], projects: ['p1'] } });
    const all = (await h.http('POST', `${PATH}/permitted-scopes`, { token: oscar, body: { resourceType: 'datavolumes' } })).body as Record<
      string,
      { tenant: boolean; tenants: string[] }
    >;
    expect(Object.keys(all).sort()).toEqual(['create', 'delete', 'read', 'update']);
    expect(all['create']).toMatchObject({ tenant: true, tenants: ['t1'] });
  });
});

describe('bad input: 400 naming the field, nothing changed', () => {
  it('refuses bad bodies, queries, ids and headers by name', async () => {
    const rule = { subjectId: 'bad@acme.example', subjectType: 'user', roleId: VIEWER, scopeType: 'project', scopeId: 'p1' };
    expectBadFields(await h.http('POST', `${PATH}/access-rules`, { token: oscar, body: { ...rule, roleId: 'viewer' } }), ['roleId']);
    expectBadFields(await h.http('POST', `${PATH}/access-rules`, { token: oscar, body: { ...rule, subjectType: 'robot', name: 'x' } }), [
      'subjectType',
      'name',
    ]);
    expectBadFields(await h.http('POST', `${PATH}/access-rules`, { token: oscar, body: '{"subjectId": ' }), ['body']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules?limit=501`, { token: oscar }), ['limit']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules?filterBy=size==3&sortBy=size`, { token: oscar }), ['filterBy[0]', 'sortBy']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules?filterBy=size==3`, { token: oscar }), ['filterBy[0]']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules?includeDeleted=yes&page=2`, { token: oscar }), ['page']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules?includeDeleted=yes`, { token: oscar }), ['includeDeleted']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules/count?offset=1`, { token: oscar }), ['offset']);
    expectBadFields(await h.http('POST', `${PATH}/access-rules/batch`, { token: oscar, body: { ids: ['x'], action: 'purge' } }), ['ids[0]', 'action']);
    expectBadFields(await h.http('POST', `${PATH}/access-rules/batch`, { token: oscar, body: { ids: [], action: 'delete' } }), ['ids']);
    expectBadFields(await h.http('POST', `${PATH}/access-rules/batch-create`, { token: oscar, body: { roleId: VIEWER } }), ['payload', 'roleId']);
    const tooMany = {
      roleId: VIEWER,
      subjects: Array.from({ length: 101 }, (_, i) => ({ subjectId: `u${i}`, subjectType: 'user' })),
      scopes: [{ scopeType: 'project', scopeId: 'p1' }],
    };
    expectBadFields(await h.http('POST', `${PATH}/access-rules/batch-create`, { token: oscar, body: { payload: tooMany } }), ['payload.subjects']);
    expectBadFields(await h.http('GET', `${PATH}/me/access-rules?limit=0`, { token: alice }), ['limit']);
    expectBadFields(await h.http('POST', `${PATH}/permitted-scopes`, { token: alice, body: { resourceType: 'volumes', action: 'sync' } }), [
      'resourceType',
      'action',
    ]);
    expectBadFields(await h.http('GET', `${PATH}/permissions`, { token: alice, headers: { 'x-dv-at-least': '{"events":"1"}' } }), ['X-DV-At-Least']);
    expectBadFields(await h.http('GET', `${PATH}/roles?limit=5`, { token: alice }), ['limit']);
    // NUL, which the services' transport refuses in any request, is refused here by the parameter's name (and documented).
    expectBadFields(await h.http('GET', `${PATH}/roles?search=a%00b`, { token: oscar }), ['search']);
    expectBadFields(await h.http('GET', `${PATH}/access-rules?subjectIdFilter=%00&search=%00`, { token: oscar }), ['subjectIdFilter', 'search']);
    expectBadFields(await h.http('GET', `${PATH}/me/access-rules/count?search=%00`, { token: alice }), ['search']);
    // Nothing was made by any of them.
    expect((await h.http('GET', `${PATH}/access-rules/count?subjectIdFilter=bad@`, { token: oscar })).body).toEqual({ count: 0 });
    expect((await h.http('GET', `${PATH}/access-rules/count?subjectIdFilter=u1`, { token: oscar })).body).toEqual({ count: 0 });
  });
});

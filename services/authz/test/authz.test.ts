import {
  ACTIONS,
  AuthzEvents,
  AuthzRpc,
  type CheckItem,
  DvError,
  type EventData,
  type EventEnvelope,
  HEADERS,
  RESOURCE_TYPES,
  type RpcRequestInput,
  STREAMS,
} from '@dv/contracts';
import { StreamHeads, followStream } from '@dv/messaging';
import { httpRequest } from '@dv/testing';
import { headers as natsHeaders } from '@nats-io/nats-core';
import rolesJson from '../src/catalog/roles.json';
import { AuthzHarness, ORG_SCOPES, ROOT, isAtOrBelow } from './authz-harness';

const h = new AuthzHarness();
const ROLE_IDS = rolesJson.roles.map((r) => r.id);
const PERMISSIONS = new Map(rolesJson.roles.map((r) => [r.id, r.permissions as Record<string, string>]));
const PLACEMENTS = [
  { scopeType: 'system', scopeId: 'system' },
  { scopeType: 'tenant', scopeId: 't1' },
  { scopeType: 'cluster', scopeId: 'c1' },
  { scopeType: 'department', scopeId: 'd1' },
  { scopeType: 'project', scopeId: 'p1' },
] as const;

async function expectError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<DvError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DvError);
  expect((error as DvError).code).toBe(code);
  if (message) expect((error as DvError).message).toMatch(message);
  return error as DvError;
}

beforeAll(async () => {
  await h.start(2);
}, 120_000);

afterAll(async () => {
  await h.stop();
});

describe('authz service (two replicas, real NATS and MongoDB-wire server)', () => {
  it('grants exactly what roles.json says for every role × resource type × action, at the rule scope and below only', async () => {
    // One user per role and placement level, each with one rule, created in batches.
    let revision = 0;
    for (const roleId of ROLE_IDS) {
      for (const at of PLACEMENTS) {
        const result = await h.client.call(
          AuthzRpc.batchCreateAccessRules,
          { roleId, subjects: [{ subjectType: 'user', subjectId: `m-${roleId}-${at.scopeType}` }], scopes: [at] },
          { identity: ROOT },
        );
        expect(result.failed).toEqual([]);
        revision = Math.max(revision, result.revision.events ?? 0);
      }
    }
    const items: { item: CheckItem; expected: boolean }[] = [];
    for (const roleId of ROLE_IDS) {
      const perms = PERMISSIONS.get(roleId) ?? {};
      for (const at of PLACEMENTS) {
        for (const scope of ORG_SCOPES) {
          const below = isAtOrBelow(`${scope.scopeType}/${scope.scopeId}`, `${at.scopeType}/${at.scopeId}`);
          for (const resourceType of RESOURCE_TYPES) {
            for (const action of ACTIONS) {
              items.push({
                item: { subject: { subjectType: 'user', subjectId: `m-${roleId}-${at.scopeType}`, groups: [] }, action, resourceType, scope },
                expected: below && (perms[resourceType] ?? '').includes(action[0] as string),
              });
            }
          }
        }
      }
    }
    const mismatches: string[] = [];
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 100) batches.push(items.slice(i, i + 100));
    const atLeast = { events: revision, platform: h.platformRevision };
    for (let i = 0; i < batches.length; i += 8) {
      await Promise.all(
        batches.slice(i, i + 8).map(async (batch) => {
          const { decisions } = await h.client.call(AuthzRpc.checkBatch, { checks: batch.map((b) => b.item), atLeast }, { identity: ROOT });
          decisions.forEach((d, k) => {
            const b = batch[k];
            if (b && d.allowed !== b.expected)
              mismatches.push(
                `${b.item.subject.subjectId} ${b.item.action} ${b.item.resourceType} in ${b.item.scope.scopeType}/${b.item.scope.scopeId}: got ${d.allowed}`,
              );
          });
        }),
      );
    }
    expect(items.length).toBe(ROLE_IDS.length * PLACEMENTS.length * ORG_SCOPES.length * 36 * 4);
    expect(mismatches.slice(0, 10)).toEqual([]);
  }, 180_000);

  it('reports readiness (NATS, MongoDB, streams followed), liveness and metrics over HTTP', async () => {
    for (const replica of h.replicas) {
      const ready = await httpRequest(`http://127.0.0.1:${replica.healthPort}/readyz`);
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', checks: { nats: 'ok', mongo: 'ok', following: 'ok' } });
      expect((await httpRequest(`http://127.0.0.1:${replica.healthPort}/healthz`)).status).toBe(200);
      const metrics = await httpRequest(`http://127.0.0.1:${replica.healthPort}/metrics`);
      expect(metrics.status).toBe(200);
      // The process metrics a platform team's dashboards read, beside the service's own.
      expect(metrics.body).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(metrics.body).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
      expect(metrics.body).toMatch(/^process_cpu_user_seconds_total [\d.e+-]+$/m);
    }
  });

  it("holds the seed's data-volume rows for every role named there", async () => {
    const expectations: Record<string, { dv: string; sharing: string }> = {
      'Data volume administrator': { dv: 'crud', sharing: 'crud' },
      'System administrator': { dv: 'crud', sharing: 'crud' },
      'Department administrator': { dv: 'crud', sharing: 'crud' },
      'Department viewer': { dv: 'r', sharing: '' },
      'Research manager': { dv: 'crud', sharing: 'crud' },
      Editor: { dv: 'crud', sharing: 'crud' },
      'L1 researcher': { dv: 'crud', sharing: '' },
      'L2 researcher': { dv: 'r', sharing: '' },
      'ML engineer': { dv: 'r', sharing: '' },
      'Environment administrator': { dv: 'r', sharing: '' },
      'Data source administrator': { dv: 'r', sharing: '' },
      'Compute resource administrator': { dv: 'r', sharing: '' },
      'Template administrator': { dv: 'r', sharing: '' },
      'Application administrator': { dv: 'r', sharing: '' },
      Viewer: { dv: 'r', sharing: '' },
    };
    for (const [roleName, expected] of Object.entries(expectations)) {
      const role = await h.client.call(AuthzRpc.getRole, { id: roleName }, { identity: ROOT });
      const user = `seed-${role.id}`;
      const { revision } = await h.grant('user', user, role.id, 'project', 'p2');
      const checks = ACTIONS.flatMap((action) =>
        (['datavolumes', 'datavolumes/sharedscopes'] as const).map((resourceType) => ({
          subject: { subjectType: 'user' as const, subjectId: user },
          action,
          resourceType,
          scope: { scopeType: 'project' as const, scopeId: 'p2' },
        })),
      );
      const { decisions } = await h.client.call(AuthzRpc.checkBatch, { checks, atLeast: revision }, { identity: ROOT });
      const got = { dv: '', sharing: '' };
      decisions.forEach((d, i) => {
        const c = checks[i];
        if (d.allowed && c) got[c.resourceType === 'datavolumes' ? 'dv' : 'sharing'] += c.action[0];
      });
      expect({ roleName, ...got }).toEqual({ roleName, ...expected });
    }
  });

  it('grants through group membership, with an explanation naming rule, role and scope path', async () => {
    const { rule, revision } = await h.grant('group', 'data-team', 2256, 'department', 'd1');
    const asMember = await h.client.call(
      AuthzRpc.check,
      {
        subject: { subjectType: 'user', subjectId: 'gina', groups: ['data-team'] },
        action: 'create',
        resourceType: 'datavolumes',
        scope: { scopeType: 'project', scopeId: 'p2' },
        atLeast: revision,
      },
      { identity: ROOT },
    );
    expect(asMember).toMatchObject({
      allowed: true,
      reason: 'granted',
      grantedBy: {
        ruleId: rule.id,
        subjectType: 'group',
        subjectId: 'data-team',
        roleName: 'Data volume administrator',
        scopeType: 'department',
        scopeId: 'd1',
      },
    });
    expect(asMember.scopePath.map((s) => s.scopeId)).toEqual(['system', 't1', 'c1', 'd1', 'p2']);
    const alone = await h.client.call(
      AuthzRpc.check,
      { subject: { subjectType: 'user', subjectId: 'gina' }, action: 'create', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: 'p2' } },
      { identity: ROOT },
    );
    expect(alone).toMatchObject({ allowed: false, reason: 'no-matching-rule' });
  });

  it('revokes on rule deletion, visible on every replica to a check that asks for the revision', async () => {
    const { rule, revision } = await h.grant('user', 'rita', 5, 'project', 'p3');
    const ask = (atLeast: typeof revision) =>
      answersByReplica({
        subject: { subjectType: 'user', subjectId: 'rita' },
        action: 'update',
        resourceType: 'datavolumes',
        scope: { scopeType: 'project', scopeId: 'p3' },
        atLeast,
      });
    // Many checks after the write: the queue group spreads them over both replicas, all must agree.
    const before = await ask(revision);
    expect(before.replicas.size).toBe(2);
    expect(before.allowed).toEqual([true]);

    const deleted = await h.client.call(AuthzRpc.deleteAccessRule, { id: rule.id }, { identity: ROOT });
    expect(deleted.rule.status).toBe('deleted');
    expect(deleted.revision.events).toBeGreaterThan(revision.events ?? 0);
    const after = await ask(deleted.revision);
    expect(after.replicas.size).toBe(2);
    expect(after.allowed).toEqual([false]);
    await expectError(h.client.call(AuthzRpc.deleteAccessRule, { id: rule.id }, { identity: ROOT }), 'PRECONDITION_FAILED', /already deleted/);
  });

  it('stops granting through a deleted scope on every replica, retires its rules (and those below) with events, and a re-created scope grants nothing from before', async () => {
    await h.grant('user', 'dora', 2256, 'department', 'd2');
    await h.grant('group', 'd2-team', 7, 'project', 'p3');
    const { revision } = await h.grant('user', 'dora', 7, 'project', 'p1'); // elsewhere: must survive
    const p3 = { scopeType: 'project' as const, scopeId: 'p3' };
    const check = {
      subject: { subjectType: 'user' as const, subjectId: 'dora', groups: ['d2-team'] },
      action: 'read' as const,
      resourceType: 'datavolumes' as const,
      scope: p3,
    };
    expect(await outcomesByReplica({ ...check, atLeast: revision })).toEqual({ replicas: 2, outcomes: ['allowed'] });

    const seq = await h.deleteDepartment('d2', 'c1');
    expect(await outcomesByReplica({ ...check, atLeast: { platform: seq } })).toEqual({ replicas: 2, outcomes: ['NOT_FOUND'] });
    const scopes = await h.client.call(
      AuthzRpc.permittedScopes,
      { subject: { subjectType: 'user', subjectId: 'dora' }, resourceType: 'datavolumes', action: 'read', atLeast: { platform: seq } },
      { identity: ROOT },
    );
    expect(scopes.read).toEqual({ system: false, tenants: [], clusters: [], departments: [], projects: ['p1'] });

    // The rules at d2 and at p3 (below it) end, by the system, each with its deleted event.
    const retired = await eventually(async () => {
      const listed = await h.client.call(
        AuthzRpc.listAccessRules,
        { subjectIds: ['dora', 'd2-team'], includeDeleted: true, sortBy: 'scopeId' },
        { identity: ROOT },
      );
      return listed.accessRules.filter((r) => r.scopeId !== 'p1').every((r) => r.status === 'deleted') ? listed.accessRules : undefined;
    });
    expect(retired.map((r) => `${r.subjectId}@${r.scopeId}:${r.status}:${r.deletedBy ?? ''}`)).toEqual([
      'dora@d2:deleted:scope-deletion',
      'dora@p1:active:',
      'd2-team@p3:deleted:scope-deletion',
    ]);
    const mine = await h.client.call(AuthzRpc.myAccessRules, {}, { identity: { subjectId: 'dora', subjectType: 'user', groups: ['d2-team'] } });
    expect(mine.accessRules.map((r) => r.scopeId)).toEqual(['p1']);

    // A replica started now agrees, and the scope created again under the same id grants nothing from before.
    const latecomer = await h.addReplica();
    try {
      // It places the deleted d2 where the others have it: a System administrator sees the retired rule on every replica.
      const retiredId = retired.find((r) => r.scopeId === 'd2')?.id ?? '';
      const seen = await Promise.all(
        Array.from({ length: 45 }, () =>
          h.client.call(AuthzRpc.getAccessRule, { id: retiredId }, { identity: ROOT }).then(
            (r) => r.status,
            (e: unknown) => (e instanceof DvError ? e.code : 'error'),
          ),
        ),
      );
      expect([...new Set(seen)]).toEqual(['deleted']);
      const again = await h.recreate([
        ['department', { departmentId: 'd2', clusterId: 'c1', name: 'Department d2 again' }],
        ['project', { projectId: 'p3', departmentId: 'd2', clusterId: 'c1', name: 'Project p3', namespace: 'dv-p3' }],
      ]);
      expect(await outcomesByReplica({ ...check, atLeast: { platform: again } })).toEqual({ replicas: 3, outcomes: ['denied'] });
    } finally {
      await latecomer.stop();
      h.replicas = h.replicas.filter((r) => r !== latecomer);
    }
  }, 90_000);

  it('lists permitted scopes in the reference shape and who can act in a scope', async () => {
    const { revision } = await h.grant('user', 'lena', 5, 'department', 'd1');
    const scopes = await h.client.call(
      AuthzRpc.permittedScopes,
      { subject: { subjectType: 'user', subjectId: 'lena' }, resourceType: 'datavolumes', atLeast: revision },
      { identity: { subjectId: 'lena', subjectType: 'user' } },
    );
    expect(scopes.create).toEqual({ system: false, tenants: [], clusters: [], departments: ['d1'], projects: ['p1', 'p2'] });
    const who = await h.client.call(
      AuthzRpc.whoCan,
      { action: 'create', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: 'p1' }, atLeast: revision },
      { identity: ROOT },
    );
    expect(who.subjects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subjectType: 'user', subjectId: 'lena', via: [expect.objectContaining({ roleName: 'L1 researcher', scopeId: 'd1' })] }),
      ]),
    );
    expect(who.subjects.some((s) => s.subjectId === 'root')).toBe(true);
  });

  it('serves the role catalog: filter, search, sort, columns, CSV, legacy names; roles are immutable', async () => {
    const all = await h.client.call(AuthzRpc.listRoles, { limit: 100 }, { identity: ROOT });
    expect(all.totalRecords).toBe(18);
    const admins = await h.client.call(
      AuthzRpc.listRoles,
      { filterBy: ['name=$administrator'], sortBy: 'name', sortOrder: 'desc', columns: ['name', 'createdBy'] },
      { identity: ROOT },
    );
    expect(admins.roles[0]).toEqual({ id: expect.any(Number), name: 'Template administrator', createdBy: 'system' });
    expect(admins.roles.every((r) => r.name?.endsWith('administrator'))).toBe(true);
    const searched = await h.client.call(AuthzRpc.listRoles, { search: 'researcher', sortBy: 'name' }, { identity: ROOT });
    expect(searched.roles.map((r) => r.name)).toEqual(['L1 researcher', 'L2 researcher']);
    const csv = await h.client.call(AuthzRpc.exportRolesCsv, { sortBy: 'id', columns: ['id', 'name', 'createdAt'] }, { identity: ROOT });
    expect(csv.rows).toBe(18);
    expect(csv.truncated).toBe(false);
    expect(csv.csv.split('\r\n')[0]).toBe('id,name,createdAt');
    expect(csv.csv.split('\r\n')[1]).toBe('1,System administrator,2025-12-01T00:00:00.000Z');
    expect((await h.client.call(AuthzRpc.getRole, { id: 'Admin' }, { identity: ROOT })).name).toBe('System administrator');
    await expectError(h.client.call(AuthzRpc.mutateRole, { operation: 'create', name: 'Superuser' }, { identity: ROOT }), 'FORBIDDEN', /predefined/);
    await expectError(h.client.call(AuthzRpc.getRole, { id: 'Superuser' }, { identity: ROOT }), 'NOT_FOUND');
  });

  it("lists access rules with the reference's filters and paging, and the caller's own rules", async () => {
    await h.grant('user', 'page-user', 7, 'project', 'p1');
    await h.grant('user', 'page-user', 8, 'project', 'p2');
    const { revision } = await h.grant('group', 'page-group', 7, 'project', 'p4');
    const page = await h.client.call(
      AuthzRpc.listAccessRules,
      { subjectIds: ['page-user'], sortBy: 'roleName', limit: 1, atLeast: revision },
      { identity: ROOT },
    );
    expect(page).toMatchObject({ totalRecords: 2, displayRecords: 1, accessRules: [{ roleName: 'L2 researcher' }] });
    const filtered = await h.client.call(AuthzRpc.listAccessRules, { filterBy: ['scopeId==p2', 'subjectId=^page'] }, { identity: ROOT });
    expect(filtered.accessRules.map((r) => r.roleName)).toEqual(['L2 researcher']);
    const mine = await h.client.call(
      AuthzRpc.myAccessRules,
      { atLeast: revision },
      { identity: { subjectId: 'page-user', subjectType: 'user', groups: ['page-group'] } },
    );
    expect(mine.accessRules.map((r) => `${r.subjectId}:${r.scopeId}`).sort()).toEqual(['page-group:p4', 'page-user:p1', 'page-user:p2']);
    // A viewer of p1 (no access-rule rights) sees only its own rules.
    const seen = await h.client.call(AuthzRpc.listAccessRules, { limit: 500 }, { identity: { subjectId: 'page-user', subjectType: 'user' } });
    expect(seen.accessRules.every((r) => r.subjectId === 'page-user')).toBe(true);
    // The reference's other filters.
    const ids = (q: RpcRequestInput<typeof AuthzRpc.listAccessRules>) =>
      h.client
        .call(AuthzRpc.listAccessRules, { limit: 500, ...q }, { identity: ROOT })
        .then((r) => r.accessRules.map((a) => `${a.subjectId}@${a.scopeId}`).sort());
    expect(await ids({ subjectType: 'group', subjectIdFilter: 'PAGE' })).toEqual(['page-group@p4']);
    expect(await ids({ subjectIdFilter: 'page-', scopeType: 'project', clusterId: 'c1' })).toEqual(['page-user@p1', 'page-user@p2']);
    expect(await ids({ subjectIdFilter: 'page-', scopeId: 'p2', roleId: 8 })).toEqual(['page-user@p2']);
    const cut = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const { revision: later } = await h.grant('user', 'page-late', 7, 'project', 'p2');
    expect(await ids({ lastUpdated: cut, atLeast: later })).toEqual(['page-late@p2']);
  });

  it("shows a rule's scope as it is now: renamed and moved scopes", async () => {
    const { rule, revision } = await h.grant('user', 'mover', 7, 'project', 'p2');
    expect(rule).toMatchObject({ scopeName: 'Project p2', clusterId: 'c1' });
    // p2 is renamed and moved from d1 (cluster c1) to d3 (cluster c2).
    const moved = await h.recreate([['project', { projectId: 'p2', departmentId: 'd3', clusterId: 'c2', name: 'Project two, moved', namespace: 'dv-p2' }]]);
    const got = await h.client.call(AuthzRpc.getAccessRule, { id: rule.id, atLeast: { ...revision, platform: moved } }, { identity: ROOT });
    expect(got).toMatchObject({ scopeName: 'Project two, moved', clusterId: 'c2', tenantId: 't1' });
    const inC2 = await h.client.call(AuthzRpc.listAccessRules, { subjectIds: ['mover'], clusterId: 'c2', atLeast: { platform: moved } }, { identity: ROOT });
    expect(inC2.accessRules.map((r) => r.id)).toEqual([rule.id]);
    const back = await h.recreate([['project', { projectId: 'p2', departmentId: 'd1', clusterId: 'c1', name: 'Project p2', namespace: 'dv-p2' }]]);
    await h.client.call(AuthzRpc.getAccessRule, { id: rule.id, atLeast: { platform: back } }, { identity: ROOT });
  });

  it('refuses bad input with typed errors and changes nothing', async () => {
    const before = (await h.client.call(AuthzRpc.listAccessRules, { limit: 1, includeDeleted: true }, { identity: ROOT })).totalRecords;
    const rule = { subjectType: 'user', subjectId: 'bad-input', roleId: 7, scopeType: 'project', scopeId: 'p1' } as const;
    await expectError(h.client.call(AuthzRpc.createAccessRule, { ...rule, roleId: 2 }, { identity: ROOT }), 'NOT_FOUND', /role 2/);
    await expectError(h.client.call(AuthzRpc.createAccessRule, { ...rule, scopeId: 'nope' }, { identity: ROOT }), 'NOT_FOUND', /project nope does not exist/);
    await expectError(
      h.client.call(AuthzRpc.createAccessRule, { ...rule, scopeId: 'd1' }, { identity: ROOT }),
      'NOT_FOUND',
      /d1 is a department, not a project/,
    );
    await expectError(h.client.call(AuthzRpc.createAccessRule, { ...rule, clusterId: 'c2' }, { identity: ROOT }), 'VALIDATION_FAILED', /not in cluster c2/);
    const raw = async (subject: string, body: unknown) => {
      const reply = await h.client.sendRaw(subject, new TextEncoder().encode(JSON.stringify(body)), { identity: ROOT });
      return reply as { ok: boolean; error?: { code: string; message: string } };
    };
    expect((await raw(AuthzRpc.createAccessRule.subject, { ...rule, subjectType: 'robot' })).error?.code).toBe('VALIDATION_FAILED');
    expect((await raw(AuthzRpc.createAccessRule.subject, { ...rule, scopeType: 'galaxy' })).error?.code).toBe('VALIDATION_FAILED');
    expect(
      (
        await raw(AuthzRpc.check.subject, {
          subject: { subjectType: 'user', subjectId: 'x' },
          action: 'fly',
          resourceType: 'datavolumes',
          scope: { scopeType: 'project', scopeId: 'p1' },
        })
      ).error?.code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await raw(AuthzRpc.check.subject, {
          subject: { subjectType: 'user', subjectId: 'x' },
          action: 'read',
          resourceType: 'spaceships',
          scope: { scopeType: 'project', scopeId: 'p1' },
        })
      ).error?.code,
    ).toBe('VALIDATION_FAILED');
    expect((await raw(AuthzRpc.check.subject, { nonsense: true })).error?.code).toBe('VALIDATION_FAILED');
    const tooMany = Array.from({ length: 101 }, () => ({
      subject: { subjectType: 'user', subjectId: 'x' },
      action: 'read',
      resourceType: 'datavolumes',
      scope: { scopeType: 'project', scopeId: 'p1' },
    }));
    expect((await raw(AuthzRpc.checkBatch.subject, { checks: tooMany })).error?.code).toBe('VALIDATION_FAILED');
    await h.grant('user', 'dup', 7, 'project', 'p1');
    await expectError(h.grant('user', 'dup', 7, 'project', 'p1'), 'CONFLICT', /already exists/);
    // A batch of more than 100 rules (subjects × scopes) is refused whole.
    const subjects = Array.from({ length: 26 }, (_, i) => ({ subjectType: 'user', subjectId: `batch-${i}` }));
    const scopes = ['p1', 'p2', 'p3', 'p4'].map((scopeId) => ({ scopeType: 'project', scopeId }));
    const big = await raw(AuthzRpc.batchCreateAccessRules.subject, { roleId: 7, subjects, scopes });
    expect(big.error?.code).toBe('VALIDATION_FAILED');
    expect(big.error?.message).toMatch(/at most 100 rules/);
    const after = (await h.client.call(AuthzRpc.listAccessRules, { limit: 1, includeDeleted: true }, { identity: ROOT })).totalRecords;
    expect(after).toBe(before + 1); // only the first "dup" rule
  });

  it('creates a batch item by item: per-item results, and every refusal (batch or not) is an event for the audit log', async () => {
    const refusals = await followRefusals();
    try {
      const batch = await h.client.call(
        AuthzRpc.batchCreateAccessRules,
        {
          roleId: 7,
          subjects: [
            { subjectType: 'user', subjectId: 'b1' },
            { subjectType: 'group', subjectId: 'b-team' },
          ],
          scopes: [
            { scopeType: 'project', scopeId: 'p1' },
            { scopeType: 'project', scopeId: 'nowhere' },
          ],
        },
        { identity: ROOT, requestId: 'batch-req-1' },
      );
      expect(batch.succeeded.map((r) => `${r.subjectId}@${r.scopeId}`).sort()).toEqual(['b-team@p1', 'b1@p1']);
      expect(batch.failed.map((f) => `${f.subjectId}@${f.scopeId}:${f.error.code}`).sort()).toEqual(['b-team@nowhere:NOT_FOUND', 'b1@nowhere:NOT_FOUND']);
      const outsider = { subjectId: 'outsider', subjectType: 'user' as const };
      await expectError(
        h.client.call(
          AuthzRpc.createAccessRule,
          { subjectType: 'user', subjectId: 'x', roleId: 1, scopeType: 'system', scopeId: 'system' },
          { identity: outsider, requestId: 'forbidden-req' },
        ),
        'FORBIDDEN',
      );
      await expectError(h.client.call(AuthzRpc.deleteAccessRule, { id: batch.succeeded[0]?.id ?? '' }, { identity: outsider }), 'FORBIDDEN');
      const seen = await refusals.next(4);
      expect(
        seen.map((e) => `${e.actorid} ${e.data.operation} ${e.data.code} ${e.data.subjectId ?? e.data.ruleId ?? ''}@${e.data.scopeId ?? ''}`).sort(),
      ).toEqual([
        `outsider create FORBIDDEN x@system`,
        `outsider delete FORBIDDEN ${batch.succeeded[0]?.id ?? ''}@`,
        'root create NOT_FOUND b-team@nowhere',
        'root create NOT_FOUND b1@nowhere',
      ]);
      expect(seen.find((e) => e.data.code === 'FORBIDDEN' && e.data.operation === 'create')).toMatchObject({
        requestid: 'forbidden-req',
        scopetype: 'system',
        scopeid: 'system',
        actortype: 'user',
      });
    } finally {
      await refusals.stop();
    }
  });

  it('refuses a group caller, reads and writes alike, in the one shape of the transport', async () => {
    // One rule for every service (docs/decisions/0018): a group is never a caller, refused UNAUTHENTICATED in one shape.
    const group = { subjectId: 'data-team', subjectType: 'group' as const };
    const requests: [string, () => Promise<unknown>][] = [
      ['list', () => h.client.call(AuthzRpc.listAccessRules, {}, { identity: group })],
      ['mine', () => h.client.call(AuthzRpc.myAccessRules, {}, { identity: group })],
      [
        'check',
        () =>
          h.client.call(
            AuthzRpc.check,
            {
              subject: { subjectId: 'data-team', subjectType: 'user' },
              action: 'read',
              resourceType: 'datavolumes',
              scope: { scopeType: 'project', scopeId: 'p1' },
            },
            { identity: group },
          ),
      ],
      [
        'create',
        () =>
          h.client.call(
            AuthzRpc.createAccessRule,
            { subjectType: 'group', subjectId: 'data-team', roleId: 7, scopeType: 'project', scopeId: 'p1' },
            { identity: group },
          ),
      ],
      ['roles', () => h.client.call(AuthzRpc.listRoles, {}, { identity: group })],
      ['mutate', () => h.client.call(AuthzRpc.mutateRole, { operation: 'create', name: 'Superuser' }, { identity: group })],
    ];
    for (const [what, request] of requests) {
      const error = await expectError(request(), 'UNAUTHENTICATED', /^a group cannot be a caller \(dv-identity header\): group data-team /);
      expect([what, error.details]).toEqual([what, { reason: 'group-caller' }]);
    }
    // No identity at all: the same code, the same shape, everywhere (mutateRole answered FORBIDDEN before).
    for (const request of [
      () => h.client.call(AuthzRpc.listAccessRules, {}),
      () => h.client.call(AuthzRpc.mutateRole, { operation: 'create', name: 'Superuser' }),
    ]) {
      expect((await expectError(request(), 'UNAUTHENTICATED', /^this request needs the caller identity \(dv-identity header\)$/)).details).toEqual({
        reason: 'no-identity',
      });
    }
  });

  it('authorizes every request: no identity, no rights, and no privilege escalation', async () => {
    await expectError(h.client.call(AuthzRpc.listAccessRules, {}), 'UNAUTHENTICATED');
    const viewer = { subjectId: 'vic', subjectType: 'user' as const };
    await h.grant('user', 'vic', 7, 'department', 'd1');
    await expectError(
      h.client.call(AuthzRpc.createAccessRule, { subjectType: 'user', subjectId: 'x', roleId: 7, scopeType: 'project', scopeId: 'p1' }, { identity: viewer }),
      'FORBIDDEN',
      /may not create access_rules/,
    );
    // A department administrator may grant roles below it, but not System administrator.
    await h.grant('user', 'dept-admin', 1710, 'department', 'd1');
    const ok = await h.client.call(
      AuthzRpc.createAccessRule,
      { subjectType: 'user', subjectId: 'new-l1', roleId: 5, scopeType: 'project', scopeId: 'p1' },
      { identity: { subjectId: 'dept-admin', subjectType: 'user' } },
    );
    expect(ok.rule.createdBy).toBe('dept-admin');
    await expectError(
      h.client.call(
        AuthzRpc.createAccessRule,
        { subjectType: 'user', subjectId: 'x', roleId: 1, scopeType: 'project', scopeId: 'p1' },
        { identity: { subjectId: 'dept-admin', subjectType: 'user' } },
      ),
      'FORBIDDEN',
      /would give permissions the grantor lacks/,
    );
    // Asking about someone else's permissions needs access-rule read rights.
    await expectError(
      h.client.call(
        AuthzRpc.check,
        { subject: { subjectType: 'user', subjectId: 'root' }, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: 'p1' } },
        { identity: viewer },
      ),
      'FORBIDDEN',
    );
  });

  it('loads its state from MongoDB and the streams when a replica starts later', async () => {
    const { revision } = await h.grant('user', 'late', 2256, 'cluster', 'c2');
    const latecomer = await h.addReplica();
    try {
      const result = await answersByReplica({
        subject: { subjectType: 'user', subjectId: 'late' },
        action: 'delete',
        resourceType: 'datavolumes',
        scope: { scopeType: 'project', scopeId: 'p4' },
        atLeast: revision,
      });
      expect(result.replicas.size).toBe(3);
      expect(result.allowed).toEqual([true]);
    } finally {
      await latecomer.stop();
      h.replicas = h.replicas.filter((r) => r !== latecomer);
    }
  }, 60_000);
});

/** The access-rule refusal events published from now on, in order. */
async function followRefusals() {
  const got: EventEnvelope<EventData<typeof AuthzEvents.accessRuleRefused>>[] = [];
  const follower = await followStream(h.nc, {
    stream: STREAMS.domain.name,
    subject: AuthzEvents.accessRuleRefused.type,
    startSeq: ((await new StreamHeads(h.nc).revision(['events'])).events ?? 0) + 1,
    apply: (envelope) => void got.push({ ...envelope, data: AuthzEvents.accessRuleRefused.data.parse(envelope.data) }),
  });
  return {
    next: (count: number) => eventually(async () => (got.length >= count ? got.slice(0, count) : undefined)),
    stop: () => follower.stop(),
  };
}

/** Polls until `probe` returns a value (bounded). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Sends the same check many times through the queue group; per answer 'allowed', 'denied' or the
 * error code, and how many replicas answered.
 */
async function outcomesByReplica(request: RpcRequestInput<typeof AuthzRpc.check>): Promise<{ replicas: number; outcomes: string[] }> {
  const replicas = new Set<string>();
  const outcomes = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const hdrs = natsHeaders();
    hdrs.set(HEADERS.identity, JSON.stringify(ROOT));
    const msg = await h.nc.request(AuthzRpc.check.subject, new TextEncoder().encode(JSON.stringify(request)), { headers: hdrs, timeout: 5000 });
    const reply = JSON.parse(new TextDecoder().decode(msg.data)) as { ok: boolean; data?: { allowed: boolean }; error?: { code: string } };
    outcomes.add(reply.ok ? (reply.data?.allowed ? 'allowed' : 'denied') : (reply.error?.code ?? 'no error code'));
    replicas.add(msg.headers?.get(HEADERS.responder) ?? 'unknown');
  }
  return { replicas: replicas.size, outcomes: [...outcomes] };
}

/**
 * Sends the same check many times through the queue group and records, per answering replica (the
 * reply's dv-responder header), what it answered.
 */
async function answersByReplica(request: RpcRequestInput<typeof AuthzRpc.check>): Promise<{ replicas: Set<string>; allowed: boolean[] }> {
  const replicas = new Set<string>();
  const allowed = new Set<boolean>();
  for (let i = 0; i < 60; i++) {
    const hdrs = natsHeaders();
    hdrs.set(HEADERS.identity, JSON.stringify(ROOT));
    const msg = await h.nc.request(AuthzRpc.check.subject, new TextEncoder().encode(JSON.stringify(request)), { headers: hdrs, timeout: 5000 });
    const reply = JSON.parse(new TextDecoder().decode(msg.data)) as { ok: boolean; data?: { allowed: boolean } };
    if (!reply.ok || !reply.data) throw new Error(`check failed: ${JSON.stringify(reply)}`);
    allowed.add(reply.data.allowed);
    replicas.add(msg.headers?.get(HEADERS.responder) ?? 'unknown');
  }
  return { replicas, allowed: [...allowed] };
}

import { ACTIONS, AuthzRpc, DvError } from '@dv/contracts';
import rolesJson from '../src/catalog/roles.json';
import { AuthzHarness, ROOT } from './authz-harness';

/**
 * What the REST API's `GET /authorization/permissions` and `GET /access-rules/{id}` need of authz
 * (issue 14): the caller's permissions summary (dv.authz.permissions.mine) and a rule's scope path.
 */
const h = new AuthzHarness();

beforeAll(async () => {
  await h.start(1);
}, 120_000);

afterAll(async () => {
  await h.stop();
});

/** The union of the roles' permissions in roles.json, actions in catalog order. */
function unionOf(roleIds: number[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const id of roleIds) {
    const raw = rolesJson.roles.find((r) => r.id === id);
    for (const [resourceType, letters] of Object.entries((raw?.permissions ?? {}) as Record<string, string>)) {
      out[resourceType] ??= new Set();
      for (const l of letters) out[resourceType].add(ACTIONS['crud'.indexOf(l)] as string);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([r, set]) => [r, ACTIONS.filter((a) => set.has(a))]));
}

describe("the caller's permissions summary", () => {
  it("is the union of its own and its groups' roles, with display names, and shrinks when a rule is deleted", async () => {
    const erin = { subjectId: 'erin', subjectType: 'user' as const, groups: ['team-e'] };
    expect(await h.client.call(AuthzRpc.myPermissions, {}, { identity: erin })).toEqual({ permissions: [] });

    const own = await h.grant('user', 'erin', 8, 'project', 'p3'); // L2 researcher
    const viaGroup = await h.grant('group', 'team-e', 2256, 'department', 'd1'); // Data volume administrator
    const { permissions } = await h.client.call(AuthzRpc.myPermissions, { atLeast: viaGroup.revision }, { identity: erin });
    expect(Object.fromEntries(permissions.map((p) => [p.resourceType, p.actions]))).toEqual(unionOf([8, 2256]));
    expect(permissions.find((p) => p.resourceType === 'datavolumes')).toEqual({
      resourceType: 'datavolumes',
      displayName: 'Data volumes',
      groupId: 'workload-asset',
      actions: ['create', 'read', 'update', 'delete'],
    });

    const deleted = await h.client.call(AuthzRpc.deleteAccessRule, { id: viaGroup.rule.id }, { identity: ROOT });
    const after = await h.client.call(AuthzRpc.myPermissions, { atLeast: deleted.revision }, { identity: erin });
    expect(Object.fromEntries(after.permissions.map((p) => [p.resourceType, p.actions]))).toEqual(unionOf([8]));
    expect(own.rule.status).toBe('active');
  });

  it('needs an identity', async () => {
    const error = await h.client.call(AuthzRpc.myPermissions, {}, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DvError);
    expect((error as DvError).code).toBe('UNAUTHENTICATED');
  });
});

describe("an access rule's scope path", () => {
  it('names the ids from the tenant down to the rule scope, and is empty for the system', async () => {
    const atProject = await h.grant('user', 'frank', 7, 'project', 'p1');
    expect(await h.client.call(AuthzRpc.getAccessRule, { id: atProject.rule.id }, { identity: ROOT })).toMatchObject({
      id: atProject.rule.id,
      scopePath: 't1/c1/d1/p1',
    });
    const atSystem = await h.grant('user', 'frank', 7, 'system', 'system');
    expect((await h.client.call(AuthzRpc.getAccessRule, { id: atSystem.rule.id }, { identity: ROOT })).scopePath).toBe('');
  });
});

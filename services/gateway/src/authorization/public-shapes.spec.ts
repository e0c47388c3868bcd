import { type AccessRule, DvError } from '@dv/contracts';
import { itemFailureOf, itemFailureOfCode } from './batch/batch-answers';
import { principalOf } from './caller-principal';
import { publicAccessRule, publicAccessRuleSchema } from './public-access-rule';
import { publicScopeSet } from './permission-shapes';
import { publicRole, publicRoleSchema } from './public-role';

const RULE: AccessRule = {
  id: '6f1c8f3e-2b7a-4c55-9d0e-7a1b2c3d4e5f',
  number: 17,
  subjectType: 'user',
  subjectId: 'alice@acme.example',
  roleId: 7,
  roleName: 'Viewer',
  scopeType: 'project',
  scopeId: 'p1',
  scopeName: 'Project p1',
  clusterId: 'c1',
  tenantId: 't1',
  createdAt: '2026-12-06T10:00:00.000Z',
  createdBy: 'oscar@acme.example',
  status: 'active',
};

describe('the authorization shapes at the edge', () => {
  it('shows a rule with its number as id, the reference status and updatedAt, and fits its schema', () => {
    const shown = publicAccessRule({ ...RULE, scopePath: 't1/c1/d1/p1' });
    expect(shown).toEqual({
      id: 17,
      subjectType: 'user',
      subjectId: 'alice@acme.example',
      roleId: 7,
      roleName: 'Viewer',
      scopeType: 'project',
      scopeId: 'p1',
      scopeName: 'Project p1',
      clusterId: 'c1',
      tenantId: 't1',
      createdAt: '2026-12-06T10:00:00.000Z',
      createdBy: 'oscar@acme.example',
      updatedAt: '2026-12-06T10:00:00.000Z',
      status: { phase: 'Ready', message: 'The access rule is in effect.' },
      scopePath: 't1/c1/d1/p1',
    });
    expect(publicAccessRuleSchema.safeParse(shown).success).toBe(true);
    const deleted = publicAccessRule({ ...RULE, status: 'deleted', deletedAt: '2026-12-06T11:00:00.000Z', deletedBy: 'oscar@acme.example' });
    expect(deleted).toMatchObject({
      updatedAt: '2026-12-06T11:00:00.000Z',
      status: { phase: 'NotReady', message: expect.stringContaining('deleted at 2026-12-06T11:00:00.000Z by oscar@acme.example') },
    });
  });

  it('refuses to show a rule without a number as a fault of ours (INTERNAL), not as something else', () => {
    const { number: _n, ...unnumbered } = RULE;
    expect(() => publicAccessRule(unnumbered)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('shows a predefined role as the reference does', () => {
    const role = publicRole({
      id: 2256,
      name: 'Data volume administrator',
      description: 'd',
      createdAt: '2025-12-01T00:00:00.000Z',
      createdBy: 'system',
      legacyNames: ['Data admin'],
      permissions: [{ resourceType: 'datavolumes', displayName: 'Data volumes', groupId: 'workload-asset', actions: ['read'] }],
    });
    expect(role).toMatchObject({
      updatedAt: '2025-12-01T00:00:00.000Z',
      custom: false,
      effectiveEnabled: true,
      kubernetesPermissions: { predefinedRole: null },
    });
    expect(role).not.toHaveProperty('legacyNames');
    expect(publicRoleSchema.safeParse(role).success).toBe(true);
  });

  it('adds tenant to a scope set: true when some tenant is permitted as a whole', () => {
    const none = { system: false, tenants: [], clusters: ['c1'], departments: [], projects: [] };
    expect(publicScopeSet(none)).toEqual({ ...none, tenant: false });
    expect(publicScopeSet({ ...none, tenants: ['t1'] }).tenant).toBe(true);
  });

  it("answers a batch item's failure with the HTTP status its own call would have", () => {
    expect(itemFailureOf(DvError.notFound('access rule 9 does not exist'))).toEqual({ code: 404, message: 'access rule 9 does not exist' });
    expect(itemFailureOfCode('PRECONDITION_FAILED', 'already deleted')).toEqual({ code: 412, message: 'already deleted' });
    expect(itemFailureOfCode('UNAVAILABLE', 'no responder on dv.authz.x')).toEqual({ code: 503, message: 'Please try again in few minutes.' });
    expect(itemFailureOfCode('SOMETHING_NEW', 'internals')).toEqual({ code: 500, message: 'Internal error.' });
  });

  it('takes the caller as the subject of a question about itself; a group never calls', () => {
    expect(principalOf({ subjectId: 'ci', subjectType: 'service-account', groups: [] })).toEqual({
      subjectId: 'ci',
      subjectType: 'service-account',
      groups: [],
    });
    expect(() => principalOf({ subjectId: 'team', subjectType: 'group', groups: [] })).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});

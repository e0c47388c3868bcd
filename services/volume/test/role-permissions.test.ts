import { type DataVolume, DvError, type IdentityInput, OrgEvents, type Revision, SharingRpc, VolumeRpc } from '@dv/contracts';
import { VolumeHarness, until } from './volume-harness';

/**
 * The seed's table "Data volume permissions for each role", role by role, against the real volume,
 * sharing and authz services (and the kube-apiserver): who may create, view, edit and delete data
 * volumes, and share, unshare and view their sharing lists. Each role is granted to its own user on
 * cluster c1 (which contains the volumes' project p1 and the scopes shared with); every refusal is
 * FORBIDDEN and changes nothing.
 */
const h = new VolumeHarness();
const ADMIN: IdentityInput = { subjectId: 'dana', subjectType: 'user' };

/** `table`: the seed's words; `dv`: the data volume rights they mean; `sharing`: whether the role has "Sharing CRUD". */
const SEED_TABLE = [
  { role: 'Data volume administrator', id: 2256, table: 'DV CRUD, Sharing CRUD', dv: 'crud', sharing: true },
  { role: 'System administrator', id: 1, table: 'DV CRUD, Sharing CRUD', dv: 'crud', sharing: true },
  { role: 'Department administrator', id: 1710, table: 'DV CRUD, Sharing CRUD', dv: 'crud', sharing: true },
  { role: 'Department viewer', id: 13, table: 'DV R', dv: 'r', sharing: false },
  { role: 'Research manager', id: 4, table: 'DV CRUD, Sharing CRUD', dv: 'crud', sharing: true },
  { role: 'Editor', id: 3, table: 'DV CRUD, Sharing CRUD', dv: 'crud', sharing: true },
  { role: 'L1 researcher', id: 5, table: 'DV CRUD', dv: 'crud', sharing: false },
  { role: 'L2 researcher', id: 8, table: 'DV R', dv: 'r', sharing: false },
  { role: 'ML engineer', id: 6, table: 'DV R', dv: 'r', sharing: false },
  { role: 'Compute resource administrator', id: 11, table: 'DV R', dv: 'r', sharing: false },
  { role: 'Data source administrator', id: 10, table: 'DV R', dv: 'r', sharing: false },
  { role: 'Environment administrator', id: 9, table: 'DV R', dv: 'r', sharing: false },
  { role: 'Template administrator', id: 12, table: 'DV R', dv: 'r', sharing: false },
  { role: 'Application administrator', id: 1708, table: 'DV R', dv: 'r', sharing: false },
  { role: 'Viewer', id: 7, table: 'DV R', dv: 'r', sharing: false },
] as const;

let granted: Revision = {};
const asRole = (id: number): IdentityInput => ({ subjectId: `role-${id}`, subjectType: 'user' });

beforeAll(async () => {
  await h.start();
  await h.org(OrgEvents.department.created, { departmentId: 'd2', clusterId: 'c1', name: 'Department two' }, 'd2');
  await h.grant('dana', 2256, 'tenant', 't1');
  for (const row of SEED_TABLE) granted = await h.grant(`role-${row.id}`, row.id, 'cluster', 'c1');
  await h.originPvc(h.nsA, 'perm');
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

/** true when allowed, false when FORBIDDEN; anything else fails the test. */
async function allowed(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (error) {
    if (error instanceof DvError && error.code === 'FORBIDDEN') return false;
    throw error;
  }
}

/** A Ready volume of project p1, made by the administrator and shared by it with department d2 (in cluster c1). */
async function sharedVolume(name: string): Promise<DataVolume> {
  const { volume } = await h.client.call(VolumeRpc.create, { name, projectId: 'p1', originPvcName: 'perm', atLeast: granted }, { identity: ADMIN });
  await until(`${name} shared`, async () => {
    try {
      return await h.client.call(SharingRpc.update, { volumeId: volume.id, add: [{ scopeType: 'department', scopeId: 'd2' }] }, { identity: ADMIN });
    } catch (error) {
      // Sharing learns that the volume is Ready from its event.
      if (error instanceof DvError && (error.code === 'PRECONDITION_FAILED' || error.code === 'NOT_FOUND')) return undefined;
      throw error;
    }
  });
  return volume;
}

const scopesOf = async (volumeId: string, identity: IdentityInput): Promise<string[]> =>
  (await h.client.call(SharingRpc.list, { volumeId }, { identity })).sharedScopes.map((s) => `${s.scopeType}/${s.scopeId}`).sort();

it.each(SEED_TABLE)('$role: $table', async (row) => {
  const me = asRole(row.id);
  const target = await sharedVolume(`target-${row.id}`);

  const created = await allowed(
    h.client.call(VolumeRpc.create, { name: `by-${row.id}`, projectId: 'p1', originPvcName: 'perm', atLeast: granted }, { identity: me }),
  );
  const viewed = await allowed(h.client.call(VolumeRpc.get, { id: target.id, atLeast: granted }, { identity: me }));
  const listed = (await h.client.call(VolumeRpc.list, { filterBy: [`name==target-${row.id}`], atLeast: granted }, { identity: me })).datavolumes.length === 1;
  const edited = await allowed(h.client.call(VolumeRpc.update, { id: target.id, description: `edited by ${row.role}`, atLeast: granted }, { identity: me }));

  // The sharing list: viewing shows only what the role may see; adding and removing each need their right.
  const seen = await scopesOf(target.id, me);
  const shared = await allowed(
    h.client.call(SharingRpc.update, { volumeId: target.id, add: [{ scopeType: 'project', scopeId: 'p2' }], atLeast: granted }, { identity: me }),
  );
  const unshared = await allowed(
    h.client.call(SharingRpc.update, { volumeId: target.id, remove: [{ scopeType: 'department', scopeId: 'd2' }], atLeast: granted }, { identity: me }),
  );
  const listAfter = await scopesOf(target.id, ADMIN);

  const deleted = await allowed(h.client.call(VolumeRpc.delete, { id: target.id, atLeast: granted }, { identity: me }));
  const after = await h.client.call(VolumeRpc.get, { id: target.id }, { identity: ADMIN }).catch((e: unknown) => e);

  const dv = `${created ? 'c' : ''}${viewed ? 'r' : ''}${edited ? 'u' : ''}${deleted ? 'd' : ''}`;
  expect({ dv, listed, sharing: { seen, shared, unshared } }).toEqual({
    dv: row.dv,
    listed: true,
    sharing: row.sharing ? { seen: ['department/d2'], shared: true, unshared: true } : { seen: [], shared: false, unshared: false },
  });
  // Refused changes changed nothing: the list is the administrator's, the description and the volume stay.
  expect(listAfter).toEqual(row.sharing ? ['project/p2'] : ['department/d2']);
  if (row.dv.includes('d')) {
    expect(after instanceof DvError ? after.code : (after as DataVolume).status.phase).toMatch(/^(NOT_FOUND|Deleting)$/);
  } else {
    // (Every role of the table that may edit may also delete: the ones here edited nothing.)
    expect(after).toMatchObject({ status: { phase: 'Ready' } });
    expect((after as DataVolume).description).toBeUndefined();
  }
});

it('someone with no role on the cluster may do none of it, and sees no volume', async () => {
  const stranger: IdentityInput = { subjectId: 'stranger', subjectType: 'user' };
  const target = await sharedVolume('target-stranger');
  expect(await allowed(h.client.call(VolumeRpc.create, { name: 'by-stranger', projectId: 'p1', originPvcName: 'perm' }, { identity: stranger }))).toBe(false);
  expect(await allowed(h.client.call(VolumeRpc.get, { id: target.id }, { identity: stranger }))).toBe(false);
  expect(await allowed(h.client.call(VolumeRpc.update, { id: target.id, description: 'x' }, { identity: stranger }))).toBe(false);
  expect(await allowed(h.client.call(VolumeRpc.delete, { id: target.id }, { identity: stranger }))).toBe(false);
  expect(
    await allowed(h.client.call(SharingRpc.update, { volumeId: target.id, remove: [{ scopeType: 'department', scopeId: 'd2' }] }, { identity: stranger })),
  ).toBe(false);
  // Not visible and not there answer the same.
  await expect(h.client.call(SharingRpc.list, { volumeId: target.id }, { identity: stranger })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect((await h.client.call(VolumeRpc.list, {}, { identity: stranger })).datavolumes).toEqual([]);
  expect(await scopesOf(target.id, ADMIN)).toEqual(['department/d2']);
});

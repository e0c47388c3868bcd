import { DvError, OrgEvents, SharingRpc, VolumeRpc } from '@dv/contracts';
import { VolumeHarness, until } from './volume-harness';

/**
 * The seed's story end to end, with the real volume, sharing and authz services and the
 * kube-apiserver: a data volume administrator registers a dataset from a Bound PVC in project A; it
 * becomes Ready with its read-only PV copy and PVC in the cluster; shared with department D it is
 * usable in every project under D (two here) and not in a sibling department's; unshared, it is no
 * longer usable there.
 */
const h = new VolumeHarness();
const dana = { subjectId: 'dana', subjectType: 'user' as const };
const researcherInD = { subjectId: 'rosa', subjectType: 'user' as const };
const otherResearcherInD = { subjectId: 'rhea', subjectType: 'user' as const };
const researcherInSibling = { subjectId: 'sam', subjectType: 'user' as const };

beforeAll(async () => {
  await h.start();
  // Department D (d2: projects p3 and p5) and its sibling (d3: project p4), beside the harness's d1 (p1 = project A, p2).
  await h.org(OrgEvents.department.created, { departmentId: 'd2', clusterId: 'c1', name: 'Department D' }, 'd2');
  await h.org(OrgEvents.department.created, { departmentId: 'd3', clusterId: 'c1', name: 'Sibling department' }, 'd3');
  await h.org(OrgEvents.project.created, { projectId: 'p3', departmentId: 'd2', clusterId: 'c1', name: 'project-c', namespace: `dv-vt-c-${h.suffix}` }, 'p3');
  await h.org(OrgEvents.project.created, { projectId: 'p5', departmentId: 'd2', clusterId: 'c1', name: 'project-e', namespace: `dv-vt-e-${h.suffix}` }, 'p5');
  await h.org(OrgEvents.project.created, { projectId: 'p4', departmentId: 'd3', clusterId: 'c1', name: 'project-d', namespace: `dv-vt-d-${h.suffix}` }, 'p4');
  await h.grant('dana', 2256, 'tenant', 't1');
  await h.grant('rosa', 5, 'project', 'p3');
  await h.grant('rhea', 5, 'project', 'p5');
  await h.grant('sam', 5, 'project', 'p4');
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

async function usableIn(projectId: string, identity: typeof dana, atLeast: { events?: number; platform?: number }): Promise<string[]> {
  const page = await h.client.call(VolumeRpc.list, { requestType: 'UsableInProject', usableInProjectId: projectId, atLeast, limit: 500 }, { identity });
  return page.datavolumes.map((v) => v.name);
}

it('registers a dataset once (Ready with its PV copy and PVC), shares it with a department, and it is usable in every project under it, only there, until unshared', async () => {
  const originPv = await h.originPvc(h.nsA, 'coco');
  const created = await h.client.call(VolumeRpc.create, { name: 'coco', projectId: 'p1', originPvcName: 'coco', useOriginalVolume: false }, { identity: dana });
  const ready = await until('volume Ready', async () => {
    const v = await h.client.call(VolumeRpc.get, { id: created.volume.id }, { identity: dana });
    return v.status.phase === 'Ready' ? v : undefined;
  });

  // Ready with its own PV copy (the origin's storage, read-only, kept) and a PVC bound to it in project A's namespace.
  const pv = await h.core.readPersistentVolume({ name: ready.status.datavolumePvName ?? '' });
  expect(pv.metadata?.labels?.['dv.platform/volume-id']).toBe(created.volume.id);
  expect(pv.metadata?.name).not.toBe(originPv);
  expect(pv.spec).toMatchObject({
    accessModes: ['ReadOnlyMany'],
    persistentVolumeReclaimPolicy: 'Retain',
    nfs: { server: '10.0.0.10', path: '/exports/coco' },
    claimRef: { namespace: h.nsA, name: ready.status.datavolumePvcName },
  });
  const pvc = await h.core.readNamespacedPersistentVolumeClaim({ name: ready.status.datavolumePvcName ?? '', namespace: h.nsA });
  expect(pvc.spec).toMatchObject({ accessModes: ['ReadOnlyMany'], volumeName: pv.metadata?.name });
  expect(
    ready.status.conditions
      .filter((c) => c.status === 'True')
      .map((c) => c.type)
      .sort(),
  ).toEqual(['ProjectAvailable', 'PvCopyCreated', 'PvcsCreated']);

  // The sharing service learns of Ready from the volume's event; until then sharing is refused with a reason.
  const shared = await until('shared with department D', async () => {
    try {
      return await h.client.call(SharingRpc.update, { volumeId: created.volume.id, add: [{ scopeType: 'department', scopeId: 'd2' }] }, { identity: dana });
    } catch (error) {
      if (error instanceof DvError && (error.code === 'PRECONDITION_FAILED' || error.code === 'NOT_FOUND')) return undefined;
      throw error;
    }
  });
  expect(shared.sharedScopes).toEqual([expect.objectContaining({ scopeType: 'department', scopeId: 'd2', createdBy: 'dana' })]);

  const afterShare = { events: shared.revision.events ?? 0 };
  // Usable in every project under D, each seen by its own researcher; not in the sibling department.
  expect(await usableIn('p3', researcherInD, afterShare)).toEqual(['coco']);
  expect(await usableIn('p5', otherResearcherInD, afterShare)).toEqual(['coco']);
  expect(await usableIn('p4', researcherInSibling, afterShare)).toEqual([]);
  for (const projectId of ['p3', 'p5']) {
    expect(await h.client.call(SharingRpc.resolve, { volumeId: created.volume.id, projectId, atLeast: afterShare }, { identity: dana })).toMatchObject({
      usable: true,
      via: { scopeType: 'department', scopeId: 'd2' },
    });
  }
  expect(await usableIn('p1', dana, afterShare)).toContain('coco'); // its origin
  expect(await h.client.call(SharingRpc.resolve, { volumeId: created.volume.id, projectId: 'p4', atLeast: afterShare }, { identity: dana })).toMatchObject({
    usable: false,
    reason: 'not-shared',
  });

  // The volume shows its sharing list to those allowed to view it (dana: Data volume administrator in
  // the tenant), and nothing to a researcher who may use the volume but not view sharing lists.
  const asDana = await h.client.call(VolumeRpc.get, { id: created.volume.id, atLeast: afterShare }, { identity: dana });
  expect(asDana.sharedScopes).toEqual([expect.objectContaining({ scopeType: 'department', scopeId: 'd2', scopeName: 'Department D', createdBy: 'dana' })]);
  const danaPage = await h.client.call(VolumeRpc.list, { requestType: 'Originated', atLeast: afterShare, filterBy: ['name==coco'] }, { identity: dana });
  expect(danaPage.datavolumes.map((v) => v.sharedScopes.map((s) => s.scopeId))).toEqual([['d2']]);
  const rosaPage = await h.client.call(
    VolumeRpc.list,
    { requestType: 'UsableInProject', usableInProjectId: 'p3', atLeast: afterShare },
    { identity: researcherInD },
  );
  expect(rosaPage.datavolumes.map((v) => [v.name, v.sharedScopes])).toEqual([['coco', []]]);

  const unshared = await h.client.call(
    SharingRpc.update,
    { volumeId: created.volume.id, remove: [{ scopeType: 'department', scopeId: 'd2' }] },
    { identity: dana },
  );
  expect(unshared.sharedScopes).toEqual([]);
  expect(await usableIn('p3', researcherInD, { events: unshared.revision.events ?? 0 })).toEqual([]);
  expect(await usableIn('p5', otherResearcherInD, { events: unshared.revision.events ?? 0 })).toEqual([]);
  expect(
    await h.client.call(SharingRpc.resolve, { volumeId: created.volume.id, projectId: 'p5', atLeast: unshared.revision }, { identity: dana }),
  ).toMatchObject({ usable: false, reason: 'not-shared' });
  expect(
    (await h.client.call(VolumeRpc.get, { id: created.volume.id, atLeast: { events: unshared.revision.events ?? 0 } }, { identity: dana })).sharedScopes,
  ).toEqual([]);
}, 120_000);

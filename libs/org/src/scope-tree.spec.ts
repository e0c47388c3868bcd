import { OrgEvents } from '@dv/contracts';
import { SCOPE_EVENTS, SCOPE_EVENT_TYPES, applyScopeEvent, parseScopeEvent, scopeChangeOf, scopeEvent } from './scope-change';
import { ScopeTree } from './scope-tree';

function org(): ScopeTree {
  const tree = new ScopeTree();
  tree.upsert({ type: 'tenant', id: 't1', name: 'Tenant', parent: { scopeType: 'system', scopeId: 'system' }, version: 1 });
  tree.upsert({ type: 'cluster', id: 'c1', name: 'C1', parent: { scopeType: 'tenant', scopeId: 't1' }, version: 2 });
  tree.upsert({ type: 'department', id: 'd1', name: 'D1', parent: { scopeType: 'cluster', scopeId: 'c1' }, version: 3 });
  tree.upsert({ type: 'department', id: 'd2', name: 'D2', parent: { scopeType: 'cluster', scopeId: 'c1' }, version: 4 });
  tree.upsert({ type: 'project', id: 'p1', name: 'P1', parent: { scopeType: 'department', scopeId: 'd1' }, version: 5 });
  return tree;
}

describe('ScopeTree', () => {
  it('gives the path from the system down to a scope', () => {
    const tree = org();
    const p1 = tree.live('project', 'p1');
    expect(p1 && tree.path(p1).map((e) => `${e.scopeType}:${e.scopeId}`)).toEqual(['system:system', 'tenant:t1', 'cluster:c1', 'department:d1', 'project:p1']);
  });

  it('moves and renames a scope with a newer event, and ignores an older one', () => {
    const tree = org();
    expect(tree.upsert({ type: 'project', id: 'p1', name: 'Moved', parent: { scopeType: 'department', scopeId: 'd2' }, version: 9 })).toBe(true);
    expect(tree.upsert({ type: 'project', id: 'p1', name: 'Stale', parent: { scopeType: 'department', scopeId: 'd1' }, version: 6 })).toBe(false);
    const p1 = tree.get('project', 'p1');
    expect(p1?.name).toBe('Moved');
    expect(p1?.parent?.id).toBe('d2');
    expect([...(tree.get('department', 'd1')?.children ?? [])]).toEqual([]);
  });

  it('makes a deleted scope and everything below it non-live, and an older event cannot revive it', () => {
    const tree = org();
    expect(tree.remove('department', 'd1', 10)).toBe(true);
    expect(tree.live('department', 'd1')).toBeUndefined();
    expect(tree.live('project', 'p1')).toBeUndefined();
    expect(tree.upsert({ type: 'department', id: 'd1', name: 'D1', parent: { scopeType: 'cluster', scopeId: 'c1' }, version: 3 })).toBe(false);
    expect(tree.live('department', 'd2')).toBeDefined();
  });

  it('keys scopes by type, so the same id may be a department and a project', () => {
    const tree = org();
    tree.upsert({ type: 'project', id: 'd1', name: 'Project named like a department', parent: { scopeType: 'department', scopeId: 'd2' }, version: 11 });
    expect(tree.live('department', 'd1')?.name).toBe('D1');
    expect(tree.live('project', 'd1')?.name).toBe('Project named like a department');
    expect(tree.typesOf('d1').sort()).toEqual(['department', 'project']);
  });

  it('treats a scope known only as a parent reference as not live until its own event arrives', () => {
    const tree = new ScopeTree();
    tree.upsert({ type: 'project', id: 'px', name: 'PX', parent: { scopeType: 'department', scopeId: 'dx' }, version: 1 });
    expect(tree.live('project', 'px')).toBeUndefined();
    tree.upsert({ type: 'department', id: 'dx', name: 'DX', parent: { scopeType: 'cluster', scopeId: 'cx' }, version: 2 });
    tree.upsert({ type: 'cluster', id: 'cx', name: 'CX', parent: { scopeType: 'tenant', scopeId: 'tx' }, version: 3 });
    tree.upsert({ type: 'tenant', id: 'tx', name: 'TX', parent: { scopeType: 'system', scopeId: 'system' }, version: 4 });
    expect(tree.live('project', 'px')).toBeDefined();
  });

  it('refuses a scope whose parent has the wrong type', () => {
    expect(() => new ScopeTree().upsert({ type: 'project', id: 'p', name: 'P', parent: { scopeType: 'cluster', scopeId: 'c' }, version: 1 })).toThrow(
      /department parent/,
    );
  });
});

describe('parseScopeEvent and scopeChangeOf', () => {
  it('turns org events into tree changes, keeping a project namespace', () => {
    const tree = org();
    const moved = parseScopeEvent('platform.evt.project.updated.v1', {
      projectId: 'p1',
      departmentId: 'd2',
      clusterId: 'c1',
      name: 'P1 moved',
      namespace: 'dv-p1',
    });
    expect(moved).toBeDefined();
    const change = moved && scopeChangeOf(moved, 20);
    expect(change?.kind).toBe('upsert');
    if (change?.kind === 'upsert') tree.upsert(change.change);
    expect(tree.live('project', 'p1')).toMatchObject({ name: 'P1 moved', namespace: 'dv-p1', parent: { id: 'd2' } });
    const deleted = parseScopeEvent('platform.evt.department.deleted.v1', { departmentId: 'd2', clusterId: 'c1' });
    expect(deleted && scopeChangeOf(deleted, 21)).toEqual({ kind: 'delete', type: 'department', id: 'd2', version: 21 });
    expect(parseScopeEvent('platform.evt.user.created.v1', { userId: 'u' })).toBeUndefined();
  });

  it('narrows the data by the event type: every scope event has its own member', () => {
    const event = parseScopeEvent(OrgEvents.cluster.created.type, { clusterId: 'c7', tenantId: 't1', name: 'Cluster seven' });
    expect(event).toEqual(scopeEvent(OrgEvents.cluster.created, { clusterId: 'c7', tenantId: 't1', name: 'Cluster seven' }));
    if (event?.type === OrgEvents.cluster.created.type) expect(event.data.tenantId).toBe('t1');
    for (const def of SCOPE_EVENTS) expect(SCOPE_EVENT_TYPES.has(def.type)).toBe(true);
  });

  it('refuses a scope event whose data breaks its contract (the follower skips it), naming the field', () => {
    expect(() => parseScopeEvent(OrgEvents.project.created.type, { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'P1' })).toThrow(/namespace/);
  });

  it('applies an org event to the tree through applyScopeEvent, version-guarded', () => {
    const tree = org();
    expect(
      applyScopeEvent(tree, { type: OrgEvents.department.updated.type, data: { departmentId: 'd2', clusterId: 'c1', name: 'D2 renamed' } }, 30),
    ).toMatchObject({ kind: 'upsert' });
    expect(
      applyScopeEvent(tree, { type: OrgEvents.department.updated.type, data: { departmentId: 'd2', clusterId: 'c1', name: 'D2 older' } }, 29),
    ).toMatchObject({ kind: 'upsert' });
    expect(tree.live('department', 'd2')).toMatchObject({ name: 'D2 renamed', parent: { id: 'c1' } });
  });
});

import { eventEnvelopeSchema } from '@dv/contracts';
import { orgEntities } from '../org/org-entities';
import { parseOrgFile } from '../org/parse-org-file';
import { emptyState, type PublisherState } from '../state/publisher-state';
import { recordPublished } from '../state/record-published';
import { type PlanOptions, planOrgEvents } from './plan-org-events';
import { type PlannedEvent } from './planned-event';

const yaml = `
tenants:
  - { id: t1, name: T }
clusters:
  - { id: c1, tenantId: t1, name: C }
departments:
  - { id: d1, clusterId: c1, name: D }
projects:
  - { id: p1, departmentId: d1, name: P1, namespace: ns1 }
  - { id: p2, departmentId: d1, name: P2, namespace: ns2 }
groups:
  - { id: g1, name: G }
users:
  - { id: u1, groups: [g1] }
`;

const apply: PlanOptions = { mode: 'apply', prune: false };
const at = new Date('2025-01-01T00:00:00Z');

function plan(text: string, state: PublisherState = emptyState(), options: PlanOptions = apply): PlannedEvent[] {
  return planOrgEvents(orgEntities(parseOrgFile(text)), state, options);
}

/** The state after publishing every event of a plan. */
function published(events: readonly PlannedEvent[], state: PublisherState = emptyState()): PublisherState {
  return events.reduce((s, e) => recordPublished(s, e, at), state);
}

const summary = (events: readonly PlannedEvent[]): string[] => events.map((e) => `${e.def.type} ${e.entityId} v${e.version} ${e.reason}`);

describe('planOrgEvents', () => {
  it('creates everything of a new file, parents first, each in its own scope', () => {
    const events = plan(yaml);
    expect(summary(events)).toEqual([
      'platform.evt.tenant.created.v1 t1 v1 new',
      'platform.evt.cluster.created.v1 c1 v1 new',
      'platform.evt.department.created.v1 d1 v1 new',
      'platform.evt.project.created.v1 p1 v1 new',
      'platform.evt.project.created.v1 p2 v1 new',
      'platform.evt.group.created.v1 g1 v1 new',
      'platform.evt.user.created.v1 u1 v1 new',
    ]);
    expect(events.map((e) => e.scope)).toEqual([
      { scopeType: 'tenant', scopeId: 't1' },
      { scopeType: 'cluster', scopeId: 'c1' },
      { scopeType: 'department', scopeId: 'd1' },
      { scopeType: 'project', scopeId: 'p1' },
      { scopeType: 'project', scopeId: 'p2' },
      undefined,
      undefined,
    ]);
    expect(events[3]?.data).toEqual({ projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'P1', namespace: 'ns1' });
  });

  it('plans payloads every event contract accepts', () => {
    for (const event of [...plan(yaml), ...plan(yaml, emptyState(), { mode: 'delete', prune: false })]) {
      expect(event.def.data.safeParse(event.data).success).toBe(true);
      expect(eventEnvelopeSchema.shape.id.safeParse(event.eventId).success).toBe(true);
    }
  });

  it('starts at the version the file asks for', () => {
    expect(plan(yaml.replace('{ id: t1, name: T }', '{ id: t1, name: T, version: 5 }'))[0]).toMatchObject({ action: 'created', version: 5 });
  });

  it('plans the very same events again for an unchanged file, so JetStream drops them as duplicates', () => {
    const first = plan(yaml);
    const again = plan(yaml, published(first));
    expect(again.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
    expect(again.every((e) => e.reason === 'unchanged')).toBe(true);
  });

  it('updates a changed entity at the next version, with a new event id, and leaves the rest as they were', () => {
    const state = published(plan(yaml));
    const changed = plan(yaml.replace('name: P1', 'name: P1 renamed'), state);
    const p1 = changed.find((e) => e.entityId === 'p1');
    expect(p1).toMatchObject({ action: 'updated', reason: 'changed', version: 2, def: { type: 'platform.evt.project.updated.v1' } });
    expect(p1?.data).toMatchObject({ name: 'P1 renamed' });
    expect(p1?.eventId).not.toBe(state.entities['project:p1']?.eventId);
    expect(changed.filter((e) => e.reason !== 'unchanged')).toHaveLength(1);

    // Published, it is the entity's last event: the next run sends it again, unchanged.
    const after = published(changed, state);
    expect(plan(yaml.replace('name: P1', 'name: P1 renamed'), after).find((e) => e.entityId === 'p1')).toMatchObject({
      action: 'updated',
      reason: 'unchanged',
      version: 2,
      eventId: p1?.eventId,
    });
    // A move is an update too, and so is a membership change.
    const moved = plan(yaml.replace('name: P1', 'name: P1 renamed').replace('groups: [g1]', 'groups: []'), after);
    expect(summary(moved.filter((e) => e.reason !== 'unchanged'))).toEqual(['platform.evt.user.updated.v1 u1 v2 changed']);
  });

  it('updates an unchanged entity whose file version was raised, to that version', () => {
    const state = published(plan(yaml));
    const bumped = plan(yaml.replace('{ id: g1, name: G }', '{ id: g1, name: G, version: 7 }'), state);
    expect(bumped.find((e) => e.entityId === 'g1')).toMatchObject({ action: 'updated', reason: 'changed', version: 7 });
  });

  it('deletes every entity of the file with --delete, children first, at the next version', () => {
    const state = published(plan(yaml));
    const deletion = plan(yaml, state, { mode: 'delete', prune: false });
    expect(summary(deletion)).toEqual([
      'platform.evt.user.deleted.v1 u1 v2 deleted',
      'platform.evt.group.deleted.v1 g1 v2 deleted',
      'platform.evt.project.deleted.v1 p2 v2 deleted',
      'platform.evt.project.deleted.v1 p1 v2 deleted',
      'platform.evt.department.deleted.v1 d1 v2 deleted',
      'platform.evt.cluster.deleted.v1 c1 v2 deleted',
      'platform.evt.tenant.deleted.v1 t1 v2 deleted',
    ]);
    // A deletion carries the keys its contract names, nothing more.
    expect(deletion[2]?.data).toEqual({ projectId: 'p2', departmentId: 'd1', clusterId: 'c1', namespace: 'ns2' });
    expect(deletion[0]?.data).toEqual({ userId: 'u1' });

    const deleted = published(deletion, state);
    // Deleting again repeats the same events; re-creating starts past the deletion's version.
    expect(plan(yaml, deleted, { mode: 'delete', prune: false }).map((e) => e.eventId)).toEqual(deletion.map((e) => e.eventId));
    expect(plan(yaml, deleted)[0]).toMatchObject({ action: 'created', reason: 'recreated', version: 3 });
  });

  it('deletes what left the file only with --prune, children first, from what was published', () => {
    const state = published(plan(yaml));
    const smaller = yaml.replace(/projects:\n.*\n.*\n/, 'projects: []\n').replace(/departments:\n.*\n/, 'departments: []\n');
    expect(plan(smaller, state).some((e) => e.action === 'deleted')).toBe(false);
    const pruned = plan(smaller, state, { mode: 'apply', prune: true });
    expect(summary(pruned.filter((e) => e.reason === 'pruned'))).toEqual([
      'platform.evt.project.deleted.v1 p1 v2 pruned',
      'platform.evt.project.deleted.v1 p2 v2 pruned',
      'platform.evt.department.deleted.v1 d1 v2 pruned',
    ]);
    // Updates and creations come first, then the deletions.
    expect(pruned.slice(-3).every((e) => e.reason === 'pruned')).toBe(true);
    expect(pruned.find((e) => e.entityId === 'p1')?.data).toEqual({ projectId: 'p1', departmentId: 'd1', clusterId: 'c1', namespace: 'ns1' });
    // Pruned once is enough: tombstones are not deleted again.
    expect(plan(smaller, published(pruned, state), { mode: 'apply', prune: true }).filter((e) => e.action === 'deleted')).toEqual([]);
  });
});

import { type EventDefinition, type EventEnvelope, OrgEvents } from '@dv/contracts';
import { type KubeClients, createKubeClients, loadKubeConfig } from '@dv/kube';
import { EventPublisher } from '@dv/messaging';
import { SecuredNats } from '@dv/testing';
import { type NatsConnection } from '@nats-io/nats-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OrgFile } from '../src/org/org-file.schema';
import { type PublishOrgResult, publishOrg } from '../src/publish/publish-org';
import { PUBLISHER_SOURCE } from '../src/publish/publisher-identity';
import { readStateFile, writeStateFile } from '../src/state/state-file';
import { requireEnv, uniqueExampleOrg, uniquePrefix } from './fixtures/example-org';
import { platformStreamLastSeq, readPlatformEvents } from './fixtures/read-platform-events';

const typesOf = (events: readonly EventEnvelope[]): string[] => events.map((e) => e.type);
const times = (n: number, type: string): string[] => Array.from({ length: n }, () => type);

describe('publishOrg (real NATS with its users, and kube-apiserver)', () => {
  let nats: SecuredNats;
  /** Reads the stream as the operator: the publisher's own user may only publish. */
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let core: KubeClients['core'];
  let dir: string;
  let statePath: string;
  const prefix = uniquePrefix();
  const org = uniqueExampleOrg(prefix);

  /** One run of the publisher over `file`, with the state of the runs before it, as the CLI does. */
  async function run(file: OrgFile, mode: 'apply' | 'delete' = 'apply', prune = false): Promise<PublishOrgResult> {
    return publishOrg({ org: file, publisher, core, state: await readStateFile(statePath), saveState: (s) => writeStateFile(statePath, s), mode, prune });
  }

  beforeAll(async () => {
    nats = await SecuredNats.start();
    nc = await nats.connectAs('operator');
    publisher = new EventPublisher(await nats.connectAs('platform-publisher'), PUBLISHER_SOURCE);
    core = createKubeClients(loadKubeConfig({ kubeconfigPath: requireEnv('KUBECONFIG') })).core;
    dir = mkdtempSync(join(tmpdir(), 'platform-publisher-test-'));
    statePath = join(dir, 'state.json');
  });

  afterAll(async () => {
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("publishes the example parents first as valid events, and creates the projects' namespaces", async () => {
    const before = await platformStreamLastSeq(nc);
    const result = await run(org);
    const events = await readPlatformEvents(nc, before, `${prefix}-`);

    expect(typesOf(events)).toEqual([
      ...times(1, OrgEvents.tenant.created.type),
      ...times(2, OrgEvents.cluster.created.type),
      ...times(3, OrgEvents.department.created.type),
      ...times(5, OrgEvents.project.created.type),
      ...times(3, OrgEvents.group.created.type),
      ...times(6, OrgEvents.user.created.type),
    ]);
    expect(events.map((e) => e.id)).toEqual(result.events.map((e) => e.eventId));
    expect(result.events.every((e) => !e.duplicate)).toBe(true);

    const defs = new Map<string, EventDefinition>(Object.values(OrgEvents).map((lifecycle) => [lifecycle.created.type, lifecycle.created]));
    for (const event of events) {
      expect(event).toMatchObject({ specversion: '1.0', source: PUBLISHER_SOURCE, actorid: 'platform-publisher', actortype: 'system', aggregateversion: 1 });
      expect(defs.get(event.type)?.data.safeParse(event.data).success).toBe(true);
    }
    const [tenant, cluster] = events;
    expect(tenant).toMatchObject({
      subject: `${prefix}-tenant-acme`,
      scopetype: 'tenant',
      scopeid: `${prefix}-tenant-acme`,
      data: { tenantId: `${prefix}-tenant-acme`, name: 'Acme AI Research' },
    });
    expect(cluster).toMatchObject({
      subject: `${prefix}-cluster-east`,
      scopetype: 'cluster',
      scopeid: `${prefix}-cluster-east`,
      data: { tenantId: `${prefix}-tenant-acme` },
    });
    const projectA = events.find((e) => e.subject === `${prefix}-proj-a`);
    expect(projectA).toMatchObject({
      scopetype: 'project',
      scopeid: `${prefix}-proj-a`,
      data: { projectId: `${prefix}-proj-a`, departmentId: `${prefix}-dept-vision`, clusterId: `${prefix}-cluster-east`, namespace: `${prefix}-dv-proj-a` },
    });
    const alice = events.find((e) => e.subject === `${prefix}-alice@acme.example`);
    expect(alice?.scopetype).toBeUndefined();
    expect(alice?.data).toEqual({
      userId: `${prefix}-alice@acme.example`,
      email: 'alice@acme.example',
      groups: [`${prefix}-researchers`, `${prefix}-vision-team`],
    });

    expect(result.namespaces.map((n) => n.result)).toEqual(times(5, 'created'));
    for (const project of org.projects) {
      const ns = await core.readNamespace({ name: project.namespace });
      const department = org.departments.find((d) => d.id === project.departmentId);
      expect(ns.metadata?.labels).toMatchObject({ 'dv.platform/project-id': project.id, 'dv.platform/cluster-id': department?.clusterId });
    }
  });

  it('publishes nothing new when run again on the same file', async () => {
    const before = await platformStreamLastSeq(nc);
    const result = await run(org);
    expect(result.events).toHaveLength(20);
    expect(result.events.every((e) => e.duplicate && e.reason === 'unchanged')).toBe(true);
    expect(result.namespaces.map((n) => n.result)).toEqual(times(5, 'exists'));
    expect(await readPlatformEvents(nc, before, `${prefix}-`)).toEqual([]);
  });

  it('publishes one updated event, at version 2, for a renamed project', async () => {
    const renamed: OrgFile = { ...org, projects: org.projects.map((p) => (p.id === `${prefix}-proj-b` ? { ...p, name: 'Object Detection v2' } : p)) };
    const before = await platformStreamLastSeq(nc);
    const result = await run(renamed);
    const events = await readPlatformEvents(nc, before, `${prefix}-`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: OrgEvents.project.updated.type,
      subject: `${prefix}-proj-b`,
      aggregateversion: 2,
      scopetype: 'project',
      data: { projectId: `${prefix}-proj-b`, name: 'Object Detection v2', namespace: `${prefix}-dv-proj-b` },
    });
    expect(result.events.filter((e) => !e.duplicate).map((e) => e.eventId)).toEqual([events[0]?.id]);
    // The state now knows version 2: the same file again is nothing new.
    const again = await run(renamed);
    expect(again.events.filter((e) => !e.duplicate)).toEqual([]);
  });

  it('prunes a project left out of the file, then deletes everything children first, keeping the namespaces', async () => {
    const renamed: OrgFile = { ...org, projects: org.projects.map((p) => (p.id === `${prefix}-proj-b` ? { ...p, name: 'Object Detection v2' } : p)) };
    const withoutE: OrgFile = { ...renamed, projects: renamed.projects.filter((p) => p.id !== `${prefix}-proj-e`) };
    let before = await platformStreamLastSeq(nc);
    await run(withoutE, 'apply', true);
    const pruned = await readPlatformEvents(nc, before, `${prefix}-`);
    expect(pruned).toHaveLength(1);
    expect(pruned[0]).toMatchObject({
      type: OrgEvents.project.deleted.type,
      subject: `${prefix}-proj-e`,
      aggregateversion: 2,
      data: { projectId: `${prefix}-proj-e`, departmentId: `${prefix}-dept-robotics`, clusterId: `${prefix}-cluster-west`, namespace: `${prefix}-dv-proj-e` },
    });

    before = await platformStreamLastSeq(nc);
    await run(withoutE, 'delete');
    const deleted = await readPlatformEvents(nc, before, `${prefix}-`);
    expect(typesOf(deleted)).toEqual([
      ...times(6, OrgEvents.user.deleted.type),
      ...times(3, OrgEvents.group.deleted.type),
      ...times(4, OrgEvents.project.deleted.type),
      ...times(3, OrgEvents.department.deleted.type),
      ...times(2, OrgEvents.cluster.deleted.type),
      ...times(1, OrgEvents.tenant.deleted.type),
    ]);
    expect(deleted.find((e) => e.subject === `${prefix}-proj-b`)?.aggregateversion).toBe(3);
    expect(deleted.find((e) => e.subject === `${prefix}-tenant-acme`)?.data).toEqual({ tenantId: `${prefix}-tenant-acme` });
    // Namespaces may hold datasets: deleting a project in the platform does not touch them here.
    await expect(core.readNamespace({ name: `${prefix}-dv-proj-a` })).resolves.toBeDefined();
  });
});

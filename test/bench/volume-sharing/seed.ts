// The generated world of volume-sharing.bench.ts: an org, Ready volumes written straight into the
// volume service's collection (bypassing create and Kubernetes), their Ready events, and sharing entries.
import { randomUUID } from 'node:crypto';
import { type IdentityInput, MAX_SHARING_CHANGES, OrgEvents, type ShareableScopeRef, SharingEvents, SharingRpc, VolumeEvents } from '@dv/contracts';
import { type EventPublisher, type RpcClient } from '@dv/messaging';
import mongoose from 'mongoose';
/* eslint-disable @nx/enforce-module-boundaries -- seeding writes the services' own collections through their own models */
import { type SharingListDoc, sharingListModel } from '../../../services/sharing/src/lists/sharing-list.model';
import { type VolumeDoc, nameKeyOf, toDataVolume, volumeModel } from '../../../services/volume/src/volumes/volume.model';
/* eslint-enable @nx/enforce-module-boundaries */

export interface OrgShape {
  clusters: number;
  departmentsPerCluster: number;
  projectsPerDepartment: number;
}

export interface Project {
  id: string;
  name: string;
  departmentId: string;
  clusterId: string;
  namespace: string;
}

export interface Org {
  tenantId: string;
  clusters: string[];
  departments: { id: string; clusterId: string }[];
  projects: Project[];
  /** Every scope a volume can be shared with (clusters, departments, projects). */
  shareable: ShareableScopeRef[];
}

export function generateOrg(shape: OrgShape): Org {
  const clusters: string[] = [];
  const departments: { id: string; clusterId: string }[] = [];
  const projects: Project[] = [];
  for (let c = 0; c < shape.clusters; c++) {
    const clusterId = `c${c}`;
    clusters.push(clusterId);
    for (let d = 0; d < shape.departmentsPerCluster; d++) {
      const departmentId = `d${departments.length}`;
      departments.push({ id: departmentId, clusterId });
      for (let p = 0; p < shape.projectsPerDepartment; p++) {
        const n = projects.length;
        projects.push({ id: `p${n}`, name: `project-${n}`, departmentId, clusterId, namespace: `runai-project-${n}` });
      }
    }
  }
  const shareable: ShareableScopeRef[] = [
    ...clusters.map((scopeId) => ({ scopeType: 'cluster' as const, scopeId })),
    ...departments.map((d) => ({ scopeType: 'department' as const, scopeId: d.id })),
    ...projects.map((p) => ({ scopeType: 'project' as const, scopeId: p.id })),
  ];
  return { tenantId: 't1', clusters, departments, projects, shareable };
}

const ORG_ACTOR = { id: 'bench-platform', type: 'system' } as const;

/** Publishes the org as platform events; returns the last stream sequence. */
export async function publishOrg(publisher: EventPublisher, org: Org): Promise<number> {
  let seq = 0;
  const pub = async (p: Promise<{ seq: number }>): Promise<void> => {
    seq = Math.max(seq, (await p).seq);
  };
  await pub(publisher.publish(OrgEvents.tenant.created, { tenantId: org.tenantId, name: 'Bench tenant' }, { actor: ORG_ACTOR, subject: org.tenantId }));
  for (const clusterId of org.clusters) {
    await pub(
      publisher.publish(
        OrgEvents.cluster.created,
        { clusterId, tenantId: org.tenantId, name: `cluster ${clusterId}` },
        { actor: ORG_ACTOR, subject: clusterId },
      ),
    );
  }
  for (const d of org.departments) {
    await pub(
      publisher.publish(
        OrgEvents.department.created,
        { departmentId: d.id, clusterId: d.clusterId, name: `department ${d.id}` },
        { actor: ORG_ACTOR, subject: d.id },
      ),
    );
  }
  await inBatches(org.projects, 64, (p) =>
    pub(
      publisher.publish(
        OrgEvents.project.created,
        { projectId: p.id, departmentId: p.departmentId, clusterId: p.clusterId, name: p.name, namespace: p.namespace },
        { actor: ORG_ACTOR, subject: p.id },
      ),
    ),
  );
  return seq;
}

/** Runs `fn` over items with at most `concurrency` at once. */
export async function inBatches<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) await fn(item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** A Ready volume as the volume service would have stored it (origin PVC used as is: no copy). */
export function volumeDoc(index: number, project: Project, now: string): VolumeDoc {
  const name = `vol-${String(index).padStart(6, '0')}`;
  const pvc = `data-${index}`;
  return {
    _id: randomUUID(),
    version: 2,
    outbox: [],
    nameKey: nameKeyOf(project.clusterId, name),
    name,
    description: `bench volume ${index}`,
    projectId: project.id,
    projectName: project.name,
    departmentId: project.departmentId,
    clusterId: project.clusterId,
    namespace: project.namespace,
    originPvcName: pvc,
    useOriginalVolume: true,
    storage: {
      originPvName: `pv-${index}`,
      capacity: '10Gi',
      storageClassName: 'nfs-data',
      accessModes: ['ReadWriteMany'],
      volumeMode: 'Filesystem',
      source: { nfs: { server: '10.0.0.10', path: `/exports/${pvc}` } },
    },
    createdAt: now,
    createdBy: 'bench',
    updatedAt: now,
    updatedBy: 'bench',
    status: {
      phase: 'Ready',
      conditions: [
        { type: 'ProjectAvailable', status: 'True', lastTransitionTime: now },
        { type: 'OriginAvailable', status: 'True', lastTransitionTime: now },
        { type: 'PvcsCreated', status: 'True', lastTransitionTime: now },
      ],
      datavolumePvcName: pvc,
    },
  };
}

/**
 * Inserts the volumes into the volume service's collection (its mongoose model), then publishes a
 * Ready event for each, as the volume service's relay would. Returns the last event's sequence.
 */
export async function seedVolumes(mongoUrl: string, dbName: string, publisher: EventPublisher, docs: readonly VolumeDoc[]): Promise<number> {
  const connection = await mongoose.createConnection(mongoUrl, { dbName }).asPromise();
  try {
    const model = volumeModel(connection);
    for (let i = 0; i < docs.length; i += 1000) await model.insertMany(docs.slice(i, i + 1000), { ordered: false, lean: true });
  } finally {
    await connection.close();
  }
  let seq = 0;
  await inBatches(docs, 128, async (doc) => {
    const ack = await publisher.publish(
      VolumeEvents.ready,
      { volume: toDataVolume(doc) },
      {
        actor: { id: 'volume', type: 'system' },
        subject: doc._id,
        scope: { scopeType: 'project', scopeId: doc.projectId },
        aggregateVersion: doc.version,
      },
    );
    seq = Math.max(seq, ack.seq);
  });
  return seq;
}

/**
 * Shares the first entries/50 volumes with 50 distinct scopes each through `dv.sharing.update`
 * (50 adds per call, `concurrency` calls in flight). Returns the highest event revision.
 */
export async function seedSharing(
  client: RpcClient,
  identity: IdentityInput,
  org: Org,
  volumeIds: readonly string[],
  entries: number,
  concurrency: number,
  atLeast: { events: number; platform: number },
): Promise<{ calls: number; revision: number }> {
  const calls = Math.ceil(entries / MAX_SHARING_CHANGES);
  if (calls > volumeIds.length) throw new Error(`${entries} entries need ${calls} volumes`);
  let revision = 0;
  await inBatches(volumeIds.slice(0, calls), concurrency, async (volumeId, i) => {
    const count = Math.min(MAX_SHARING_CHANGES, entries - i * MAX_SHARING_CHANGES);
    const add = scopesOf(org, i, count);
    const reply = await client.call(SharingRpc.update, { volumeId, add, atLeast }, { identity, timeoutMs: 60_000 });
    revision = Math.max(revision, reply.revision.events ?? 0);
  });
  return { calls, revision };
}

/** The scopes volume i (of the shared ones) is shared with: 50 distinct ones from a fixed stride. */
function scopesOf(org: Org, i: number, count: number): ShareableScopeRef[] {
  const n = org.shareable.length;
  // 11 is coprime with the number of shareable scopes used here (555), so the picks are distinct.
  return Array.from({ length: count }, (_, k) => org.shareable[(i * 7 + k * 11) % n]).filter((s): s is ShareableScopeRef => s !== undefined);
}

/**
 * The same sharing entries as seedSharing, written the way the sharing service would have: a
 * sharing_lists document per volume (its mongoose model) and a dv.evt.volume.shared.v1 event carrying
 * the whole list (aggregate version 1), which the running sharing service applies. For when 2,000
 * update calls would take too long (each is an authz batch check plus a FerretDB write).
 */
export async function seedSharingDirect(
  mongoUrl: string,
  dbName: string,
  publisher: EventPublisher,
  org: Org,
  volumes: readonly VolumeDoc[],
  entries: number,
): Promise<{ volumes: number; revision: number }> {
  const count = Math.ceil(entries / MAX_SHARING_CHANGES);
  const names = new Map<string, string>([
    ...org.clusters.map((c) => [`cluster/${c}`, `cluster ${c}`] as const),
    ...org.departments.map((d) => [`department/${d.id}`, `department ${d.id}`] as const),
    ...org.projects.map((p) => [`project/${p.id}`, p.name] as const),
  ]);
  const now = new Date().toISOString();
  const lists: SharingListDoc[] = volumes.slice(0, count).map((v, i) => ({
    _id: v._id,
    version: 1,
    outbox: [],
    scopes: scopesOf(org, i, Math.min(MAX_SHARING_CHANGES, entries - i * MAX_SHARING_CHANGES)).map((s) => ({
      scopeType: s.scopeType,
      scopeId: s.scopeId,
      scopeName: names.get(`${s.scopeType}/${s.scopeId}`) ?? s.scopeId,
      createdAt: now,
      createdBy: 'root',
    })),
  }));
  const connection = await mongoose.createConnection(mongoUrl, { dbName }).asPromise();
  try {
    const model = sharingListModel(connection);
    for (let i = 0; i < lists.length; i += 500) await model.insertMany(lists.slice(i, i + 500), { ordered: false, lean: true });
  } finally {
    await connection.close();
  }
  const projectOf = new Map(volumes.map((v) => [v._id, v.projectId] as const));
  let revision = 0;
  await inBatches(lists, 64, async (list) => {
    const last = list.scopes[list.scopes.length - 1];
    if (!last) return;
    const ack = await publisher.publish(
      SharingEvents.shared,
      { volumeId: list._id, scope: last, sharedScopes: list.scopes },
      {
        actor: { id: 'root', type: 'user' },
        subject: list._id,
        scope: { scopeType: 'project', scopeId: projectOf.get(list._id) ?? '' },
        aggregateVersion: list.version,
      },
    );
    revision = Math.max(revision, ack.seq);
  });
  return { volumes: lists.length, revision };
}

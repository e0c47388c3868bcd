import { AuthzRpc, DvError, type DataVolume, OrgEvents, STREAMS, VolumeEvents } from '@dv/contracts';
import { EventPublisher, RpcClient, type AppliedRevision } from '@dv/messaging';
import { HARNESS_ROOT, SecuredNats, type ServiceProcess, freePort, httpRequest, projectionMetrics, publishedVolume, testBedEnv } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';

/**
 * One readiness meaning for the four services that keep a view from the streams (StreamProjection):
 * ready only once the view has applied each stream's last sequence as it was at start. The streams are
 * seeded first with many org events (users, which no view keeps, then the scope the test asks about,
 * last) and many volumes; then each service is started on them.
 */
const FILLER_USERS = 10_000;
const VOLUMES = 300;
const ORG_ACTOR = { id: 'platform-publisher', type: 'system' } as const;
const VOLUME_ACTOR = { id: 'volume', type: 'system' } as const;
const run = randomUUID().slice(0, 8);

let nats: SecuredNats;
let operator: NatsConnection;
let client: RpcClient;
const started: ServiceProcess[] = [];
let authz: Promise<ServiceProcess> | undefined;

/** Publishes in batches of concurrent publishes (each acknowledged by JetStream). */
async function inBatches<T>(items: readonly T[], publish: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += 500) await Promise.all(items.slice(i, i + 500).map(publish));
}

function volume(i: number): DataVolume {
  return publishedVolume('p-last', 'Creating', 1, { name: `seeded-${i}`, projectName: 'Last project' });
}

async function heads(): Promise<AppliedRevision> {
  const jsm = await jetstreamManager(operator);
  return { events: (await jsm.streams.info(STREAMS.domain.name)).state.last_seq, platform: (await jsm.streams.info(STREAMS.platform.name)).state.last_seq };
}

beforeAll(async () => {
  nats = await SecuredNats.start();
  operator = await nats.connectAs('operator', { name: 'projection-readiness' });
  client = new RpcClient(operator, { timeoutMs: 10_000 });
  const org = new EventPublisher(await nats.connectAs('platform-publisher'), 'dv/platform-test');
  const volumes = new EventPublisher(await nats.connectAs('volume'), 'dv/volume');
  await org.publish(OrgEvents.tenant.created, { tenantId: 't1', name: 'Tenant one' }, { actor: ORG_ACTOR, subject: 't1' });
  await org.publish(OrgEvents.cluster.created, { clusterId: 'c1', tenantId: 't1', name: 'Cluster one' }, { actor: ORG_ACTOR, subject: 'c1' });
  await org.publish(OrgEvents.department.created, { departmentId: 'd1', clusterId: 'c1', name: 'Department one' }, { actor: ORG_ACTOR, subject: 'd1' });
  await inBatches(
    Array.from({ length: FILLER_USERS }, (_, i) => `user-${i}`),
    (userId) => org.publish(OrgEvents.user.created, { userId, groups: [] }, { actor: ORG_ACTOR, subject: userId }),
  );
  await inBatches(
    Array.from({ length: VOLUMES }, (_, i) => volume(i)),
    (v) => volumes.publish(VolumeEvents.created, { volume: v }, { actor: VOLUME_ACTOR, subject: v.id, aggregateVersion: 1 }),
  );
  // The last org event: the project the test asks authz about.
  await org.publish(
    OrgEvents.project.created,
    { projectId: 'p-last', departmentId: 'd1', clusterId: 'c1', name: 'Last project', namespace: 'dv-p-last' },
    { actor: ORG_ACTOR, subject: 'p-last' },
  );
}, 180_000);

afterAll(async () => {
  for (const p of started.reverse()) await p.stop();
  await authz?.then(
    (p) => p.stop(),
    () => undefined,
  );
  await nats?.stop();
}, 60_000);

it('authz reports ready only once it has applied the org events that were in the stream when it started', async () => {
  const atStart = await heads();
  const healthPort = await freePort();
  authz = nats.startService('authz', run, { HEALTH_PORT: String(healthPort) });
  // Poll readiness from the process's start: a refused connection and 503 count as not ready.
  const deadline = Date.now() + 60_000;
  while (
    (await httpRequest(`http://127.0.0.1:${healthPort}/readyz`, { timeoutMs: 1000 }).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) throw new Error('authz did not become ready within 60 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  // The first moment it says ready, it knows the last scope of the stream (no `atLeast`: its memory as it is).
  const decision = await client
    .call(
      AuthzRpc.check,
      { subject: { subjectType: 'user', subjectId: 'root' }, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: 'p-last' } },
      { identity: HARNESS_ROOT },
    )
    .catch((error: unknown) => (error instanceof DvError ? error.code : error));
  expect(decision).toMatchObject({ allowed: true });
  const metrics = await projectionMetrics((await authz).healthPort);
  expect(metrics.ready).toBe(true);
  expect(metrics.applied.platform).toBeGreaterThanOrEqual(atStart.platform);
  expect(metrics.applied.events).toBeGreaterThanOrEqual(atStart.events);
}, 120_000);

it.each(['sharing', 'volume', 'workload-admission'] as const)(
  '%s means the same by ready: every stream applied up to its last sequence at start',
  async (service) => {
    const atStart = await heads();
    const proc = await nats.startService(service, run, { KUBECONFIG: testBedEnv('KUBECONFIG') });
    started.push(proc);
    // Read at once: what it had applied when it first said ready is at least this.
    const metrics = await projectionMetrics(proc.healthPort);
    const readyz = await httpRequest(`http://127.0.0.1:${proc.healthPort}/readyz`);
    expect(readyz.status).toBe(200);
    expect(metrics.ready).toBe(true);
    expect(metrics.applied.platform).toBeGreaterThanOrEqual(atStart.platform);
    expect(metrics.applied.events).toBeGreaterThanOrEqual(atStart.events);
    expect(metrics.sizes).toMatchObject({ volumes: VOLUMES, scopes: expect.any(Number) });
  },
  120_000,
);

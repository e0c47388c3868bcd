import { type IdentityInput, OrgEvents, STREAMS, SharingRpc, VolumeEvents } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type ServiceProcess, httpRequest, publishedVolume } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { SecuredNats } from './secured-nats';

const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };

/**
 * The real sharing service as the `sharing` user (beside authz as `authz`): its ordered followers,
 * durable consumers, outbox publishing and its calls to authz all fit in the generated permissions.
 * The test publishes a volume's events as the `volume` user, which may publish exactly those.
 */
describe('sharing under the generated NATS permissions (real nats-server, real service processes)', () => {
  let secured: SecuredNats;
  let operator: NatsConnection;
  let client: RpcClient;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    secured = await SecuredNats.start();
    const platformConnection = await secured.connectAs('platform-publisher');
    const platform = new EventPublisher(platformConnection, 'dv/platform-test');
    const actor = { id: 'platform-publisher', type: 'system' } as const;
    await platform.publish(OrgEvents.tenant.created, { tenantId: 't1', name: 'T' }, { actor });
    await platform.publish(OrgEvents.cluster.created, { clusterId: 'c1', tenantId: 't1', name: 'C' }, { actor });
    await platform.publish(OrgEvents.department.created, { departmentId: 'd1', clusterId: 'c1', name: 'D' }, { actor });
    await platform.publish(OrgEvents.project.created, { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'P1', namespace: 'dv-p1' }, { actor });
    await platform.publish(OrgEvents.project.created, { projectId: 'p2', departmentId: 'd1', clusterId: 'c1', name: 'P2', namespace: 'dv-p2' }, { actor });
    const suffix = randomUUID().slice(0, 8);
    services.push(await secured.startService('authz', suffix));
    services.push(await secured.startService('sharing', suffix));
    operator = await secured.connectAs('operator');
    client = new RpcClient(operator, { timeoutMs: 10_000 });
  }, 120_000);

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    await secured?.stop();
  });

  it('becomes ready, shares a Ready volume (asking authz), resolves, and violates nothing', async () => {
    const sharing = services[1];
    if (!sharing) throw new Error('sharing did not start');
    const ready = await httpRequest(`http://127.0.0.1:${sharing.healthPort}/readyz`);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', checks: { following: 'ok' } });

    const volume = publishedVolume('p1', 'Ready', 2, { name: 'coco', originPvcName: 'coco' });
    const volumeUser = new EventPublisher(await secured.connectAs('volume'), 'dv/volume');
    const { seq } = await volumeUser.publish(
      VolumeEvents.ready,
      { volume },
      { actor: { id: 'volume', type: 'system' }, subject: volume.id, aggregateVersion: 2 },
    );

    const shared = await client.call(
      SharingRpc.update,
      { volumeId: volume.id, add: [{ scopeType: 'project', scopeId: 'p2' }], atLeast: { events: seq } },
      { identity: ROOT },
    );
    expect(shared.sharedScopes.map((s) => s.scopeId)).toEqual(['p2']);
    expect(await client.call(SharingRpc.resolve, { volumeId: volume.id, projectId: 'p2', atLeast: shared.revision }, { identity: ROOT })).toMatchObject({
      usable: true,
      reason: 'shared',
    });
    const jsm = await jetstreamManager(operator);
    expect((await jsm.streams.info(STREAMS.domain.name, { subjects_filter: 'dv.evt.volume.shared.v1' })).state.subjects?.['dv.evt.volume.shared.v1']).toBe(1);

    for (const s of services.reverse()) await s.stop();
    services.length = 0;
    expect(secured.violations()).toEqual([]);
  });
});

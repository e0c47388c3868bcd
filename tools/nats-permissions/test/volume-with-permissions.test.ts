import { DvError, type IdentityInput, OrgEvents, STREAMS, SharingRpc, VolumeEvents, VolumeRpc } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type ServiceProcess, createBoundPvc, httpRequest, waitFor } from '@dv/testing';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { SecuredNats } from './secured-nats';

const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };

/**
 * The real volume service as the `volume` user (beside authz and sharing as themselves): its ordered
 * follower of the domain stream (the read model), the stream head it reads for lists without
 * atLeast, its durable consumer of org events, its outbox publishing, refusal events, and its calls
 * to authz, sharing and admission (usage) all fit in the generated permissions.
 */
describe('volume under the generated NATS permissions (real nats-server, real service processes, kube-apiserver)', () => {
  let secured: SecuredNats;
  let operator: NatsConnection;
  let client: RpcClient;
  let core: CoreV1Api;
  const services: ServiceProcess[] = [];
  const suffix = randomUUID().slice(0, 8);
  const namespace = `dv-perm-${suffix}`;
  const pvName = `origin-perm-${suffix}`;

  beforeAll(async () => {
    const kubeconfig = process.env['KUBECONFIG'];
    if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the workspace jest config, which starts the test bed');
    const admin = new KubeConfig();
    admin.loadFromFile(kubeconfig);
    core = admin.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await createBoundPvc(core, { namespace, pvcName: 'coco', pvName });

    secured = await SecuredNats.start();
    const platformConnection = await secured.connectAs('platform-publisher');
    const platform = new EventPublisher(platformConnection, 'dv/platform-test');
    const actor = { id: 'platform-publisher', type: 'system' } as const;
    await platform.publish(OrgEvents.tenant.created, { tenantId: 't1', name: 'T' }, { actor });
    await platform.publish(OrgEvents.cluster.created, { clusterId: 'c1', tenantId: 't1', name: 'C' }, { actor });
    await platform.publish(OrgEvents.department.created, { departmentId: 'd1', clusterId: 'c1', name: 'D' }, { actor });
    await platform.publish(OrgEvents.project.created, { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'P1', namespace }, { actor });
    services.push(await secured.startService('authz', suffix));
    services.push(await secured.startService('sharing', suffix));
    // No workload admission here: the usage question is asked (and permitted) but nobody answers.
    services.push(
      await secured.startService('volume', suffix, { KUBECONFIG: kubeconfig, VOLUME_USAGE_CHECK: 'advisory', VOLUME_RECONCILE_INTERVAL_MS: '300' }),
    );
    operator = await secured.connectAs('operator');
    client = new RpcClient(operator, { timeoutMs: 10_000 });
  }, 180_000);

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    await secured?.stop();
    await core?.deletePersistentVolume({ name: pvName }).catch(() => undefined);
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('becomes ready, creates (Ready), lists, shares, refuses, deletes, and violates nothing', async () => {
    const volume = services[2];
    if (!volume) throw new Error('volume did not start');
    const ready = await httpRequest(`http://127.0.0.1:${volume.healthPort}/readyz`);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', checks: { following: 'ok' } });

    const created = await waitFor(
      async () => {
        try {
          return await client.call(VolumeRpc.create, { name: 'coco', projectId: 'p1', originPvcName: 'coco' }, { identity: ROOT });
        } catch (error) {
          // The org event may not have reached the volume service's projection yet.
          if (error instanceof DvError && error.code === 'NOT_FOUND') return undefined;
          throw error;
        }
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the volume created' },
    );
    await waitFor(async () => ((await client.call(VolumeRpc.get, { id: created.volume.id }, { identity: ROOT })).status.phase === 'Ready' ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'the volume Ready',
    });
    // Without atLeast: the volume service reads the domain stream's head, then answers from its read model.
    const listed = await client.call(VolumeRpc.list, { requestType: 'UsableInProject', usableInProjectId: 'p1' }, { identity: ROOT });
    expect(listed.datavolumes.map((v) => v.name)).toEqual(['coco']);
    const shared = await client.call(SharingRpc.update, { volumeId: created.volume.id, add: [{ scopeType: 'department', scopeId: 'd1' }] }, { identity: ROOT });
    const page = await client.call(VolumeRpc.list, { atLeast: shared.revision }, { identity: ROOT });
    expect(page.datavolumes.map((v) => v.sharedScopes.map((s) => s.scopeId))).toEqual([['d1']]);
    await expect(client.call(VolumeRpc.create, { name: 'coco', projectId: 'p1', originPvcName: 'coco' }, { identity: ROOT })).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    const deleting = await client.call(VolumeRpc.delete, { id: created.volume.id }, { identity: ROOT });
    expect(deleting.volume.status.phase).toBe('Deleting');
    await waitFor(async () => ((await client.call(VolumeRpc.count, {}, { identity: ROOT })).count === 0 ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'the volume gone',
    });
    const jsm = await jetstreamManager(operator);
    const subjects = (await jsm.streams.info(STREAMS.domain.name, { subjects_filter: 'dv.evt.>' })).state.subjects ?? {};
    for (const type of [VolumeEvents.created.type, VolumeEvents.ready.type, VolumeEvents.refused.type, VolumeEvents.deleting.type, VolumeEvents.deleted.type])
      expect([type, subjects[type]]).toEqual([type, 1]);

    for (const s of services.reverse()) await s.stop();
    services.length = 0;
    expect(secured.violations()).toEqual([]);
  });
});

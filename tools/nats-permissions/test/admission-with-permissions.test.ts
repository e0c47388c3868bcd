import { AdmissionRpc, type IdentityInput, OrgEvents, SharingRpc, VolumeEvents, VolumeUsageRpc, WorkloadEvents } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type ServiceProcess, waitFor, publishedVolume } from '@dv/testing';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { SecuredNats } from './secured-nats';

const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const PLATFORM: IdentityInput = { subjectId: 'workloads', subjectType: 'service-account' };

/**
 * The real workload admission service as the `workload-admission` user (beside authz and sharing as
 * themselves): its followers, durable consumers (admitted events, workload events), its calls to
 * authz, its reads of the streams' heads (a review without a revision that would be denied), its
 * event publishing and the usage answer all fit in the generated permissions.
 */
describe('workload admission under the generated NATS permissions (real nats-server, real service processes)', () => {
  let secured: SecuredNats;
  let operator: NatsConnection;
  let client: RpcClient;
  let platform: EventPublisher;
  const services: ServiceProcess[] = [];
  const actor = { id: 'platform-publisher', type: 'system' } as const;

  beforeAll(async () => {
    const kubeconfig = process.env['KUBECONFIG'];
    if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the workspace jest config, which starts the test bed');
    secured = await SecuredNats.start();
    const platformConnection = await secured.connectAs('platform-publisher');
    platform = new EventPublisher(platformConnection, 'dv/platform-test');
    await platform.publish(OrgEvents.tenant.created, { tenantId: 't1', name: 'T' }, { actor });
    await platform.publish(OrgEvents.cluster.created, { clusterId: 'c1', tenantId: 't1', name: 'C' }, { actor });
    await platform.publish(OrgEvents.department.created, { departmentId: 'd1', clusterId: 'c1', name: 'D' }, { actor });
    await platform.publish(OrgEvents.project.created, { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'P1', namespace: 'dv-p1' }, { actor });
    const suffix = randomUUID().slice(0, 8);
    services.push(await secured.startService('authz', suffix));
    services.push(await secured.startService('sharing', suffix));
    services.push(await secured.startService('workload-admission', suffix, { KUBECONFIG: kubeconfig }));
    operator = await secured.connectAs('operator');
    client = new RpcClient(operator, { timeoutMs: 10_000 });
  }, 180_000);

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    await secured?.stop();
  });

  it('reviews (asking authz; catching up with the streams before a denial), records and releases usage from events, and violates nothing', async () => {
    const volume = publishedVolume('p1', 'Ready', 2, {
      name: 'coco',
      originPvcName: 'coco',
      status: { phase: 'Ready', conditions: [], datavolumePvcName: 'coco' },
    });
    const volumeUser = new EventPublisher(await secured.connectAs('volume'), 'dv/volume');
    const { seq } = await volumeUser.publish(
      VolumeEvents.ready,
      { volume },
      { actor: { id: 'volume', type: 'system' }, subject: volume.id, aggregateVersion: 2 },
    );
    const resolved = await client.call(SharingRpc.resolve, { volumeId: volume.id, projectId: 'p1', atLeast: { events: seq } }, { identity: ROOT });
    expect(resolved.usable).toBe(true);

    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'trainer' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } };
    const reply = await client.call(
      AdmissionRpc.review,
      {
        workload: pod,
        projectId: 'p1',
        subject: { subjectId: 'root', subjectType: 'user' },
        dataVolumes: [{ id: volume.id, mountPath: '/data' }],
        atLeast: { events: seq },
      },
      { identity: PLATFORM },
    );
    expect(reply).toMatchObject({ allowed: true, bindings: [{ volumeId: volume.id, namespace: 'dv-p1', pvcName: 'coco' }] });
    // Without a revision, a denial first reads the streams' heads (StreamHeads) and decides again.
    const unknown = randomUUID();
    const denied = await client.call(
      AdmissionRpc.review,
      { workload: pod, projectId: 'p1', subject: { subjectId: 'root', subjectType: 'user' }, dataVolumes: [{ id: unknown, mountPath: '/data' }] },
      { identity: PLATFORM },
    );
    expect(denied.reasons).toEqual([expect.objectContaining({ code: 'VOLUME_NOT_FOUND', volumeId: unknown })]);

    const usage = await waitFor(
      async () => {
        const u = await client.call(VolumeUsageRpc.usage, { volumeId: volume.id }, { identity: PLATFORM });
        return u.inUse ? u : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the usage record' },
    );
    expect(usage.workloads).toEqual([{ namespace: 'dv-p1', name: 'trainer', kind: 'Pod' }]);
    await platform.publish(WorkloadEvents.deleted, { workloadId: 'w1', name: 'trainer', kind: 'Pod', projectId: 'p1', namespace: 'dv-p1' }, { actor });
    await waitFor(async () => ((await client.call(VolumeUsageRpc.usage, { volumeId: volume.id }, { identity: PLATFORM })).inUse ? undefined : true), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'the usage to be released',
    });

    for (const s of services.reverse()) await s.stop();
    services.length = 0;
    expect(secured.violations()).toEqual([]);
  }, 60_000);
});

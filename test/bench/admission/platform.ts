// The world of admission.bench.ts: a small org (t1 ─ c1 ─ d1 ─ p1, p2), the projects' namespaces in the
// bed's kube-apiserver, two data volumes of p1 made through dv.volume.create from Bound origin PVCs and
// shared with p2, and the webhook's serving certificate. Everything through the services' own RPCs.
import { type DataVolume, DvError, type IdentityInput, OrgEvents, type Revision, SharingRpc, VolumeRpc } from '@dv/contracts';
import { type EventPublisher, type RpcClient } from '@dv/messaging';
import { createBoundPvc, createCertificateAuthority, freePort, issueServingCertificate } from '@dv/testing';
import { type CoreV1Api } from '@kubernetes/client-node';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { until } from '../harness/until';

export const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const ORG_ACTOR = { id: 'bench-platform', type: 'system' } as const;

export interface BenchOrg {
  /** The run's label on the webhook's namespaces: `dv-bench-run=<run>`. */
  runLabel: { key: string; value: string };
  namespaces: { p1: string; p2: string; plain: string };
  /** Last platform stream sequence of the org events. */
  platform: number;
}

/** Publishes t1 ─ c1 ─ d1 ─ {p1, p2} and makes the namespaces: p1 and p2 labelled with their project and the run label, `plain` with neither. */
export async function setUpOrg(publisher: EventPublisher, core: CoreV1Api, run: string): Promise<BenchOrg> {
  const namespaces = { p1: `dvb-p1-${run}`, p2: `dvb-p2-${run}`, plain: `dvb-plain-${run}` };
  const runLabel = { key: 'dv-bench-run', value: run };
  let platform = 0;
  const pub = async (p: Promise<{ seq: number }>): Promise<void> => {
    platform = Math.max(platform, (await p).seq);
  };
  await pub(publisher.publish(OrgEvents.tenant.created, { tenantId: 't1', name: 'Bench tenant' }, { actor: ORG_ACTOR, subject: 't1' }));
  await pub(publisher.publish(OrgEvents.cluster.created, { clusterId: 'c1', tenantId: 't1', name: 'Cluster c1' }, { actor: ORG_ACTOR, subject: 'c1' }));
  await pub(
    publisher.publish(OrgEvents.department.created, { departmentId: 'd1', clusterId: 'c1', name: 'Department d1' }, { actor: ORG_ACTOR, subject: 'd1' }),
  );
  for (const projectId of ['p1', 'p2'] as const) {
    await pub(
      publisher.publish(
        OrgEvents.project.created,
        { projectId, departmentId: 'd1', clusterId: 'c1', name: `Project ${projectId}`, namespace: namespaces[projectId] },
        { actor: ORG_ACTOR, subject: projectId },
      ),
    );
    await core.createNamespace({
      body: { metadata: { name: namespaces[projectId], labels: { 'dv.platform/project-id': projectId, [runLabel.key]: runLabel.value } } },
    });
  }
  await core.createNamespace({ body: { metadata: { name: namespaces.plain } } });
  return { runLabel, namespaces, platform };
}

/** A PV with an NFS source and a PVC bound to it in the namespace, marked Bound as a controller would (no controller runs in the bed). */
export async function originPvc(core: CoreV1Api, namespace: string, pvcName: string, run: string): Promise<void> {
  await createBoundPvc(core, { namespace, pvcName, pvName: `origin-${pvcName}-${run}` });
}

/** A data volume of p1 made by dv.volume.create (as root) from a fresh Bound PVC, once Ready. */
export async function readyVolume(client: RpcClient, core: CoreV1Api, org: BenchOrg, name: string, run: string): Promise<DataVolume> {
  await originPvc(core, org.namespaces.p1, name, run);
  const { volume } = await until('dv.volume.create to accept (the volume service knows p1)', () =>
    client.call(
      VolumeRpc.create,
      { name, projectId: 'p1', originPvcName: name, useOriginalVolume: false, atLeast: { platform: org.platform } },
      { identity: ROOT },
    ),
  );
  return until(
    `data volume ${name} to be Ready`,
    async () => {
      const v = await client.call(VolumeRpc.get, { id: volume.id }, { identity: ROOT });
      return v.status.phase === 'Ready' ? v : undefined;
    },
    60_000,
  );
}

/** Shares the volume with project p2 once the sharing service knows it is Ready; returns the revision. */
export async function shareWithP2(client: RpcClient, volumeId: string): Promise<Revision> {
  const reply = await until(
    `sharing of ${volumeId} with p2`,
    async () => {
      try {
        return await client.call(SharingRpc.update, { volumeId, add: [{ scopeType: 'project', scopeId: 'p2' }], remove: [] }, { identity: ROOT });
      } catch (error) {
        if (error instanceof DvError && (error.code === 'PRECONDITION_FAILED' || error.code === 'NOT_FOUND')) return undefined;
        throw error;
      }
    },
    60_000,
  );
  return reply.revision;
}

/**
 * The webhook's environment: a CA and a serving certificate for 127.0.0.1, a free port, registration under `name` for the run's
 * namespaces, and the CA of the client certificate the bed's API server presents (the webhook answers only it).
 */
export async function webhookEnv(dir: string, name: string, org: BenchOrg, clientCaFile: string): Promise<Record<string, string>> {
  const ca = await createCertificateAuthority(dir, 'dv-admission-bench-ca');
  const cert = await issueServingCertificate(ca, dir, { name: 'webhook', ipAddresses: ['127.0.0.1'] });
  const caFile = join(dir, 'webhook-ca.pem');
  const certFile = join(dir, 'webhook.pem');
  const keyFile = join(dir, 'webhook-key.pem');
  await writeFile(caFile, ca.certPem);
  await writeFile(certFile, cert.certPem);
  await writeFile(keyFile, cert.keyPem);
  return {
    ADMISSION_WEBHOOK_PORT: String(await freePort()),
    ADMISSION_WEBHOOK_HOST: '127.0.0.1',
    ADMISSION_WEBHOOK_CERT_FILE: certFile,
    ADMISSION_WEBHOOK_KEY_FILE: keyFile,
    ADMISSION_WEBHOOK_CA_FILE: caFile,
    ADMISSION_WEBHOOK_CLIENT_CA_FILE: clientCaFile,
    ADMISSION_WEBHOOK_REGISTER_AS: name,
    ADMISSION_WEBHOOK_NAMESPACE_LABEL: `${org.runLabel.key}=${org.runLabel.value}`,
  };
}

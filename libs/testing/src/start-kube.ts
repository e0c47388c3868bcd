import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { writeKubeconfig } from './kubeconfig';
import { stringify } from 'yaml';
import { retryStart } from './retry-start';
import { type RunningServer } from './running-server';
import { type ServerProcess, spawnServer } from './server-process';
import { createServiceAccountKey } from './service-account-key';
import { startEtcd } from './start-etcd';
import { type CertificateAuthority, createCertificateAuthority, issueClientCertificate, issueServingCertificate } from './tls-certificates';
import { waitFor } from './wait-for';

export interface StartKubeOptions {
  etcdBinary: string;
  kubeApiserverBinary: string;
  /** The bed's folder: certificates, keys and the kubeconfig go to <dir>/kube, output to <dir>/etcd.log and kube-apiserver.log. */
  dir: string;
  timeoutMs?: number;
}

export interface RunningKube extends RunningServer {
  /** A kubeconfig for user dv-admin (group system:masters) that verifies the server against ca. */
  kubeconfigPath: string;
  token: string;
  /** The CA that signed the API server's certificate. */
  ca: CertificateAuthority;
  /** How the API server authenticates to admission webhooks (its client certificate, and the CA a webhook trusts). */
  webhookClient: WebhookClientFiles;
  processes: ServerProcess[];
}

/** The API server's credential towards webhooks: a client certificate from a CA of its own. */
export interface WebhookClientFiles {
  /** The CA a webhook is configured with (ADMISSION_WEBHOOK_CLIENT_CA_FILE). */
  caPath: string;
  /** The client certificate and key the API server presents (for tests that play the API server). */
  certPath: string;
  keyPath: string;
}

/** The common name of the API server's client certificate towards webhooks. */
export const KUBE_WEBHOOK_CLIENT_NAME = 'kube-apiserver-webhook-client';

export const KUBE_ADMIN_USER = 'dv-admin';
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc';
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';

/** Admission without controllers behind it: nothing may wait for a controller-manager or kubelet that is not there. */
const ADMISSION_FLAGS = [
  '--enable-admission-plugins=NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook',
  // ServiceAccount would reject pods until a controller creates the "default" service account;
  // StorageObjectInUseProtection adds PV/PVC finalizers that only a controller removes.
  '--disable-admission-plugins=ServiceAccount,StorageObjectInUseProtection',
];

/**
 * The API server presents a client certificate to every admission webhook (kubeconfig user `*`),
 * from a CA of its own that webhooks trust: a webhook then accepts AdmissionReviews from the API
 * server only ("Authenticate API servers", AdmissionConfiguration's kubeConfigFile).
 */
async function webhookClientCredential(kubeDir: string): Promise<{ files: WebhookClientFiles; admissionConfigPath: string }> {
  const dir = join(kubeDir, 'webhook-client');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await createCertificateAuthority(dir, 'dv-testbed-webhook-client-ca');
  const cert = await issueClientCertificate(ca, dir, { name: 'kube-apiserver-webhook-client', commonName: KUBE_WEBHOOK_CLIENT_NAME });
  const kubeconfigPath = join(dir, 'webhook-kubeconfig');
  await writeFile(
    kubeconfigPath,
    stringify({ apiVersion: 'v1', kind: 'Config', users: [{ name: '*', user: { 'client-certificate': cert.certPath, 'client-key': cert.keyPath } }] }),
    { mode: 0o600 },
  );
  const plugin = (name: string) => ({
    name,
    configuration: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'WebhookAdmissionConfiguration', kubeConfigFile: kubeconfigPath },
  });
  const admissionConfigPath = join(dir, 'admission-configuration.yaml');
  await writeFile(
    admissionConfigPath,
    stringify({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AdmissionConfiguration',
      plugins: [plugin('MutatingAdmissionWebhook'), plugin('ValidatingAdmissionWebhook')],
    }),
  );
  return { files: { caPath: ca.certPath, certPath: cert.certPath, keyPath: cert.keyPath }, admissionConfigPath };
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

async function ensureDefaultNamespace(server: string, token: string, caPem: string): Promise<void> {
  // The API server creates default, kube-system and kube-public shortly after it is ready.
  const found = await waitFor(async () => (await httpRequest(`${server}/api/v1/namespaces/default`, { headers: bearer(token), ca: caPem })).status === 200, {
    timeoutMs: 5000,
    what: 'the default namespace',
  }).catch(() => false);
  if (found) return;
  const created = await httpRequest(`${server}/api/v1/namespaces`, {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }),
    ca: caPem,
  });
  if (created.status !== 201 && created.status !== 409) throw new Error(`cannot create namespace default: ${created.status} ${created.body}`);
}

/**
 * etcd and kube-apiserver on free loopback ports, without kubelet or controller-manager. TLS with a fresh
 * CA; a random bearer token for dv-admin in system:masters; RBAC; service-account tokens signed with a
 * fresh RSA key; a client certificate it presents to admission webhooks (webhookClientCredential). Ready once /readyz answers ok to the token and the default namespace exists.
 */
export async function startKube(options: StartKubeOptions): Promise<RunningKube> {
  const kubeDir = join(options.dir, 'kube');
  await mkdir(kubeDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  const tokenFile = join(kubeDir, 'tokens.csv');
  const [etcd, ca, serviceAccountKey, webhookClient] = await Promise.all([
    startEtcd({ binary: options.etcdBinary, dir: options.dir }),
    createCertificateAuthority(kubeDir, 'dv-testbed-kube-ca'),
    createServiceAccountKey(kubeDir),
    webhookClientCredential(kubeDir),
    writeFile(tokenFile, `${token},${KUBE_ADMIN_USER},${KUBE_ADMIN_USER},"system:masters"\n`, { mode: 0o600 }),
  ]);
  try {
    const serving = await issueServingCertificate(ca, kubeDir, {
      name: 'kube-apiserver',
      ipAddresses: ['127.0.0.1', '10.96.0.1'],
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    });
    const apiserver = await retryStart(2, async () => {
      const port = await freePort();
      const proc = await spawnServer({
        name: 'kube-apiserver',
        command: options.kubeApiserverBinary,
        args: [
          `--etcd-servers=${etcd.url}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${port}`,
          `--cert-dir=${kubeDir}`,
          `--tls-cert-file=${serving.certPath}`,
          `--tls-private-key-file=${serving.keyPath}`,
          `--service-account-key-file=${serviceAccountKey}`,
          `--service-account-signing-key-file=${serviceAccountKey}`,
          `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
          `--api-audiences=${SERVICE_ACCOUNT_ISSUER}`,
          `--token-auth-file=${tokenFile}`,
          '--authorization-mode=RBAC',
          `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
          ...ADMISSION_FLAGS,
          `--admission-control-config-file=${webhookClient.admissionConfigPath}`,
          // The "kubernetes" service's endpoints would be 127.0.0.1, which Endpoints validation rejects.
          '--endpoint-reconciler-type=none',
          '--enable-priority-and-fairness=false',
          '--allow-privileged=true',
          '--profiling=false',
        ],
        logPath: join(options.dir, 'kube-apiserver.log'),
      });
      const server = `https://127.0.0.1:${port}`;
      try {
        await waitFor(
          async () => {
            const res = await httpRequest(`${server}/readyz`, { headers: bearer(token), ca: ca.certPem });
            return res.status === 200 && res.body.trim() === 'ok';
          },
          {
            timeoutMs: options.timeoutMs ?? 90_000,
            intervalMs: 250,
            what: `kube-apiserver to be ready at ${server}/readyz (log ${proc.logPath})`,
            bailOut: () => proc.exitedError() ?? etcd.process.exitedError(),
          },
        );
        await ensureDefaultNamespace(server, token, ca.certPem);
      } catch (error: unknown) {
        await proc.stop();
        throw error;
      }
      return { server, proc };
    });
    const kubeconfigPath = join(kubeDir, 'kubeconfig');
    await writeKubeconfig(kubeconfigPath, { server: apiserver.server, caPem: ca.certPem, token, user: KUBE_ADMIN_USER });
    let stopping: Promise<void> | undefined;
    return {
      url: apiserver.server,
      kubeconfigPath,
      token,
      ca,
      webhookClient: webhookClient.files,
      processes: [apiserver.proc, etcd.process],
      stop: () => (stopping ??= apiserver.proc.stop().then(() => etcd.stop())),
    };
  } catch (error: unknown) {
    await etcd.stop();
    throw error;
  }
}

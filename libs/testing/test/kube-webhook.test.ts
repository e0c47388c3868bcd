import { AdmissionregistrationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, freePort, issueServingCertificate, waitFor } from '../src/index';
import { bedEnv, uniqueName } from './bed-env';

interface AdmissionReview {
  request?: { uid: string };
}

/** A mutating webhook on https://127.0.0.1:<port> that labels every object it sees. */
async function startLabellingWebhook(dir: string): Promise<{ url: string; caPem: string; server: Server }> {
  const ca = await createCertificateAuthority(dir, 'testing-webhook-ca');
  const cert = await issueServingCertificate(ca, dir, { name: 'webhook', ipAddresses: ['127.0.0.1'] });
  const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/labels', value: { 'dv-testbed/mutated': 'yes' } }])).toString('base64');
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReview;
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: review.request?.uid, allowed: true, patchType: 'JSONPatch', patch },
        }),
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${port}/mutate`, caPem: ca.certPem, server };
}

describe('admission webhooks on the test bed', () => {
  const kubeconfig = new KubeConfig();
  const namespace = uniqueName('testing-webhook');
  const webhookName = uniqueName('testing-label');
  let dir: string;
  let webhook: Awaited<ReturnType<typeof startLabellingWebhook>>;
  let core: CoreV1Api;
  let admission: AdmissionregistrationV1Api;

  beforeAll(async () => {
    kubeconfig.loadFromFile(bedEnv('KUBECONFIG'));
    core = kubeconfig.makeApiClient(CoreV1Api);
    admission = kubeconfig.makeApiClient(AdmissionregistrationV1Api);
    dir = await mkdtemp(join(tmpdir(), 'dv-testing-webhook-'));
    webhook = await startLabellingWebhook(dir);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await admission.deleteMutatingWebhookConfiguration({ name: webhookName }).catch(() => undefined);
    await new Promise((resolve) => webhook.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('calls a MutatingWebhookConfiguration whose webhook listens on https://127.0.0.1', async () => {
    await admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: webhookName },
        webhooks: [
          {
            name: 'label.testing.dv',
            clientConfig: { url: webhook.url, caBundle: Buffer.from(webhook.caPem).toString('base64') },
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
            failurePolicy: 'Fail',
            timeoutSeconds: 5,
          },
        ],
      },
    });

    // The API server picks up new webhook configurations within a moment.
    let attempt = 0;
    const labels = await waitFor(
      async () => {
        const created = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: `probe-${attempt++}` }, data: { a: 'b' } } });
        return created.metadata?.labels;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'the webhook to label a config map' },
    );
    expect(labels).toEqual({ 'dv-testbed/mutated': 'yes' });
  });
});

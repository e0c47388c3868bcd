import { type KubeClients, KubeError, isNotFound } from '@dv/kube';
import { type V1LabelSelector } from '@kubernetes/client-node';
import { type AdmissionConfig } from '../config/admission-config';
import { webhookConfiguration } from './webhook-configuration';
import { WEBHOOK_PATH } from './webhook-path';

/** `key` → the label exists; `key=value` → it has that value. */
export function namespaceSelectorOf(spec: string): V1LabelSelector {
  const eq = spec.indexOf('=');
  return eq < 0 ? { matchExpressions: [{ key: spec, operator: 'Exists' }] } : { matchLabels: { [spec.slice(0, eq)]: spec.slice(eq + 1) } };
}

/** Development and tests: creates or replaces the webhook's own MutatingWebhookConfiguration. */
export async function registerWebhook(kube: KubeClients, config: AdmissionConfig, caPem: string, port: number): Promise<string> {
  const name = config.ADMISSION_WEBHOOK_REGISTER_AS ?? '';
  const url = config.ADMISSION_WEBHOOK_PUBLIC_URL ?? `https://127.0.0.1:${port}${WEBHOOK_PATH}`;
  const body = webhookConfiguration({ url, caBundlePem: caPem }, { name, namespaceSelector: namespaceSelectorOf(config.ADMISSION_WEBHOOK_NAMESPACE_LABEL) });
  try {
    const existing = await kube.admission.readMutatingWebhookConfiguration({ name });
    await kube.admission.replaceMutatingWebhookConfiguration({
      name,
      body: {
        ...body,
        metadata: { ...body.metadata, ...(existing.metadata?.resourceVersion !== undefined ? { resourceVersion: existing.metadata.resourceVersion } : {}) },
      },
    });
  } catch (error) {
    if (!isNotFound(error)) throw KubeError.from(error, `register mutating webhook configuration ${name}`);
    await kube.admission.createMutatingWebhookConfiguration({ body }).catch((e: unknown) => {
      throw KubeError.from(e, `register mutating webhook configuration ${name}`);
    });
  }
  return url;
}

export async function unregisterWebhook(kube: KubeClients, name: string): Promise<void> {
  await kube.admission.deleteMutatingWebhookConfiguration({ name }).catch((e: unknown) => {
    if (!isNotFound(e)) throw KubeError.from(e, `remove mutating webhook configuration ${name}`);
  });
}

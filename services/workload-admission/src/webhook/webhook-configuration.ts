import { type V1LabelSelector, type V1MutatingWebhookConfiguration, type V1RuleWithOperations } from '@kubernetes/client-node';
import { WORKLOAD_KINDS } from '../patching/workload-kinds';
import { WEBHOOK_PATH } from './webhook-path';

export const WEBHOOK_CONFIGURATION_NAME = 'dv-workload-admission';
export const WEBHOOK_NAME = 'data-volumes.workload-admission.dv.platform';
/** Namespaces of projects carry this label (the platform publisher sets it). */
export const PROJECT_NAMESPACE_SELECTOR: V1LabelSelector = { matchExpressions: [{ key: 'dv.platform/project-id', operator: 'Exists' }] };

/**
 * One rule per API group, listing every third-party kind's resource and version in it; CREATE (the
 * review) and UPDATE (the read-only guard, and the annotation that may not change). Kinds that are
 * known but refused (AmlJob, whose versions are not public: every version) are included, so they
 * are refused clearly rather than let through unreviewed.
 */
export function webhookRules(): V1RuleWithOperations[] {
  const byGroup = new Map<string, { versions: Set<string>; resources: Set<string> }>();
  for (const info of WORKLOAD_KINDS) {
    if (info.native) continue;
    const entry = byGroup.get(info.group) ?? { versions: new Set<string>(), resources: new Set<string>() };
    for (const v of info.versions.length > 0 ? info.versions : ['*']) entry.versions.add(v);
    entry.resources.add(info.plural);
    byGroup.set(info.group, entry);
  }
  return [...byGroup.entries()].map(([group, { versions, resources }]) => ({
    operations: ['CREATE', 'UPDATE'],
    apiGroups: [group],
    apiVersions: [...versions].sort(),
    resources: [...resources].sort(),
    scope: 'Namespaced',
  }));
}

export interface WebhookClientConfig {
  /** In a cluster: the Service in front of the webhook; outside one (tests, local run): a URL. */
  service?: { namespace: string; name: string; port: number };
  url?: string;
  caBundlePem: string;
}

/**
 * The MutatingWebhookConfiguration: every permitted kind, CREATE and UPDATE, in project namespaces, failing
 * closed (a workload asking for a data volume is never admitted unreviewed), dry runs without side
 * effects, never re-invoked (our patch is idempotent anyway).
 */
export function webhookConfiguration(
  client: WebhookClientConfig,
  options: { name?: string; namespaceSelector?: V1LabelSelector; timeoutSeconds?: number } = {},
): V1MutatingWebhookConfiguration {
  const clientConfig = client.service
    ? { service: { ...client.service, path: WEBHOOK_PATH }, caBundle: Buffer.from(client.caBundlePem).toString('base64') }
    : { url: client.url ?? '', caBundle: Buffer.from(client.caBundlePem).toString('base64') };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: options.name ?? WEBHOOK_CONFIGURATION_NAME, labels: { 'app.kubernetes.io/name': 'dv-workload-admission' } },
    webhooks: [
      {
        name: WEBHOOK_NAME,
        clientConfig,
        rules: webhookRules(),
        namespaceSelector: options.namespaceSelector ?? PROJECT_NAMESPACE_SELECTOR,
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        sideEffects: 'NoneOnDryRun',
        reinvocationPolicy: 'Never',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: options.timeoutSeconds ?? 10,
      },
    ],
  };
}

import { ApiextensionsV1Api, KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { waitFor } from './wait-for';

/** Third-party workload kinds whose CRDs the bed installs (objects kept as written: the API server prunes nothing under spec). */
export const WORKLOAD_CRDS = [
  { group: 'kubeflow.org', version: 'v1', kind: 'PyTorchJob', plural: 'pytorchjobs' },
  { group: 'ray.io', version: 'v1', kind: 'RayCluster', plural: 'rayclusters' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'Workflow', plural: 'workflows' },
] as const;

function crdOf(c: (typeof WORKLOAD_CRDS)[number]): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${c.plural}.${c.group}` },
    spec: {
      group: c.group,
      scope: 'Namespaced',
      names: { kind: c.kind, plural: c.plural, singular: c.kind.toLowerCase(), listKind: `${c.kind}List` },
      versions: [
        {
          name: c.version,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
        },
      ],
    },
  };
}

/** Installs the workload CRDs (idempotent: an existing one is kept) and waits until each is Established. */
export async function installWorkloadCrds(kubeconfigPath: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const api = kc.makeApiClient(ApiextensionsV1Api);
  for (const c of WORKLOAD_CRDS) {
    await api.createCustomResourceDefinition({ body: crdOf(c) }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
  }
  for (const c of WORKLOAD_CRDS) {
    await waitFor(
      async () => {
        const crd = await api.readCustomResourceDefinition({ name: `${c.plural}.${c.group}` });
        return crd.status?.conditions?.some((cond) => cond.type === 'Established' && cond.status === 'True') ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `CRD ${c.plural}.${c.group} to be Established` },
    );
  }
}

import { AdmissionregistrationV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';

/** The API clients the platform uses, all bound to one configuration. */
export interface KubeClients {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** Generic access to any kind (workload kinds, webhooks) by apiVersion and kind. */
  objects: KubernetesObjectApi;
  /** Webhook configurations (workload admission registers its own in development). */
  admission: AdmissionregistrationV1Api;
}

export function createKubeClients(kc: KubeConfig): KubeClients {
  return {
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    objects: KubernetesObjectApi.makeApiClient(kc),
    admission: kc.makeApiClient(AdmissionregistrationV1Api),
  };
}

import { KubeConfig } from '@kubernetes/client-node';
import { DvError } from '@dv/contracts';

export interface LoadKubeConfigOptions {
  /** A kubeconfig file; defaults to the KUBECONFIG variable of `env`. */
  kubeconfigPath?: string | undefined;
  /** Where KUBECONFIG and the in-cluster variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The cluster to talk to: a kubeconfig file (the option, else KUBECONFIG), else the pod's service
 * account when running in a cluster. Fails with a clear message rather than the client's silent
 * `https://undefined:undefined` when neither is there.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const path = options.kubeconfigPath ?? (env['KUBECONFIG'] || undefined);
  const kc = new KubeConfig();
  if (path !== undefined) {
    try {
      kc.loadFromFile(path);
    } catch (error: unknown) {
      throw DvError.unavailable(`cannot load kubeconfig ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (kc.getCurrentCluster() === null) throw DvError.unavailable(`kubeconfig ${path} has no current cluster`);
    return kc;
  }
  if (!env['KUBERNETES_SERVICE_HOST'] || !env['KUBERNETES_SERVICE_PORT']) {
    throw DvError.unavailable('no Kubernetes configuration: set KUBECONFIG or run inside a cluster');
  }
  kc.loadFromCluster();
  return kc;
}

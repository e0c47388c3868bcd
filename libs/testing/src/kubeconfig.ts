import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  /** PEM of the CA that signed the API server's certificate. */
  caPem: string;
  token: string;
  user?: string;
  namespace?: string;
}

/** Writes a kubeconfig with one cluster, one token user and one current context. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  const user = input.user ?? 'dv-admin';
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'dv-testbed', cluster: { server: input.server, 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') } }],
    users: [{ name: user, user: { token: input.token } }],
    contexts: [{ name: 'dv-testbed', context: { cluster: 'dv-testbed', user, namespace: input.namespace ?? 'default' } }],
    'current-context': 'dv-testbed',
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}

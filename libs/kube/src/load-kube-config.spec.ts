import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeConfig } from './load-kube-config';

const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;

describe('loadKubeConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-config-spec-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the file named by the option, else by KUBECONFIG', () => {
    const path = join(dir, 'config');
    writeFileSync(path, kubeconfig);
    expect(loadKubeConfig({ kubeconfigPath: path, env: {} }).getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(loadKubeConfig({ env: { KUBECONFIG: path } }).getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
  });

  it('names a missing file', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'missing'), env: {} })).toThrow(/cannot load kubeconfig .*missing/);
  });

  it('refuses to guess when there is neither a kubeconfig nor a cluster', () => {
    expect(() => loadKubeConfig({ env: {} })).toThrow('no Kubernetes configuration: set KUBECONFIG or run inside a cluster');
  });

  it('uses the service account inside a cluster', () => {
    const kc = loadKubeConfig({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' } });
    expect(kc.getCurrentCluster()?.name).toBe('inCluster');
  });
});

import { type CoreV1Api } from '@kubernetes/client-node';
import { KubeError, createKubeClients, ensureNamespace, isNotFound, loadKubeConfig } from '../src';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through the workspace jest config, which starts the test bed`);
  return value;
}

const unique = (): string => `kube-test-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

describe('kube helpers (real kube-apiserver)', () => {
  let core: CoreV1Api;

  beforeAll(() => {
    core = createKubeClients(loadKubeConfig({ kubeconfigPath: requireEnv('KUBECONFIG') })).core;
  });

  it('ensures a namespace idempotently, with its labels', async () => {
    const name = unique();
    const labels = { 'dv.platform/project-id': 'p1' };
    expect(await ensureNamespace(core, name, labels)).toBe('created');
    expect(await ensureNamespace(core, name, labels)).toBe('exists');
    const ns = await core.readNamespace({ name });
    expect(ns.metadata?.labels).toMatchObject(labels);
  });

  it('adds missing labels to a namespace that exists and keeps the others', async () => {
    const name = unique();
    await core.createNamespace({ body: { metadata: { name, labels: { keep: 'me', 'dv.platform/project-id': 'old' } } } });
    expect(await ensureNamespace(core, name, { 'dv.platform/project-id': 'p2', 'dv.platform/cluster-id': 'c1' })).toBe('labelled');
    const ns = await core.readNamespace({ name });
    expect(ns.metadata?.labels).toMatchObject({ keep: 'me', 'dv.platform/project-id': 'p2', 'dv.platform/cluster-id': 'c1' });
  });

  it('maps reading a missing namespace to NOT_FOUND', async () => {
    const name = unique();
    const error: unknown = await core.readNamespace({ name }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isNotFound(error)).toBe(true);
    const mapped = KubeError.from(error, `read namespace ${name}`);
    expect(mapped).toMatchObject({ code: 'NOT_FOUND', status: 404, reason: 'NotFound' });
    expect(mapped.message).toBe(`kubernetes: cannot read namespace ${name}: namespaces "${name}" not found`);
  });

  it('maps an invalid name to VALIDATION_FAILED', async () => {
    await expect(ensureNamespace(core, 'Not_A_Name')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 422, reason: 'Invalid' });
  });

  it('maps an unreachable server to UNAVAILABLE', async () => {
    const kc = loadKubeConfig({ kubeconfigPath: requireEnv('KUBECONFIG') });
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('no cluster');
    kc.clusters = [{ ...cluster, server: 'https://127.0.0.1:1' }];
    const { core: unreachable } = createKubeClients(kc);
    await expect(ensureNamespace(unreachable, unique())).rejects.toMatchObject({ code: 'UNAVAILABLE', status: undefined });
  });
});

import { type ServiceProcess, type TestBed, startServiceProcess } from '@dv/testing';

/**
 * authz, sharing and volume as processes on the test bed, as the volume-sharing, gateway and console
 * benchmarks run them: root is authz's first administrator, and the volume service neither re-checks
 * Ready volumes against Kubernetes during the run (seeded volumes have no Kubernetes objects) nor asks
 * workload admission before a delete (not started). Each is added to `services` as soon as it is up, so
 * the caller's cleanup stops those that started when a later one fails. `env` is added to each.
 */
export async function startVolumeServices(
  bed: Pick<TestBed, 'natsUrl' | 'mongoUrl' | 'kubeconfigPath'>,
  services: ServiceProcess[],
  env: Record<string, string> = {},
): Promise<void> {
  const common = { NATS_URL: bed.natsUrl, MONGO_URL: bed.mongoUrl, ...env };
  services.push(
    await startServiceProcess({ service: 'authz', env: { ...common, MONGO_DB: 'bench_authz', AUTHZ_BOOTSTRAP_ADMINS: 'user:root' }, timeoutMs: 60_000 }),
  );
  services.push(await startServiceProcess({ service: 'sharing', env: { ...common, MONGO_DB: 'bench_sharing' }, timeoutMs: 60_000 }));
  services.push(
    await startServiceProcess({
      service: 'volume',
      env: { ...common, MONGO_DB: 'bench_volume', KUBECONFIG: bed.kubeconfigPath, VOLUME_RESYNC_INTERVAL_MS: '86400000', VOLUME_USAGE_CHECK: 'off' },
      timeoutMs: 60_000,
    }),
  );
}

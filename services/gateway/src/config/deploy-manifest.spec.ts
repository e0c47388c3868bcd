import { loadConfig } from '@dv/telemetry';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { gatewayConfigSchema } from './gateway-config';

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: { envFrom?: { configMapRef: { name: string } }[]; env?: { name: string; value?: string }[] }[] } } };
}

// Rendered from the Helm chart deploy/helm/data-volumes (test/deploy/helm-chart.test.ts keeps it in step).
const PLAIN = join(__dirname, '../../../../deploy/kubernetes/data-volumes.yaml');
const objects = (): Manifest[] =>
  parseAllDocuments(readFileSync(PLAIN, 'utf8'))
    .map((d) => d.toJSON() as Manifest)
    .filter((m) => m !== null);

describe('deploy/kubernetes/data-volumes.yaml', () => {
  it("gives the gateway an environment its configuration accepts (the ConfigMaps it loads, then the container's own variables)", () => {
    const all = objects();
    const container = all.find((m) => m.kind === 'Deployment' && m.metadata.name === 'dv-gateway')?.spec?.template?.spec?.containers?.[0];
    const env: Record<string, string> = {};
    for (const ref of container?.envFrom ?? []) Object.assign(env, all.find((m) => m.kind === 'ConfigMap' && m.metadata.name === ref.configMapRef.name)?.data);
    // A secret's value (the NATS password) is not in the file: any string does; the NATS URL is the bundled cluster's.
    for (const e of container?.env ?? []) env[e.name] = e.value ?? 'from-a-secret';
    const config = loadConfig(gatewayConfigSchema, env);
    expect(config).toMatchObject({ NATS_USER: 'gateway', GATEWAY_HOST: '0.0.0.0', GATEWAY_HSTS_MAX_AGE_S: 31_536_000, GATEWAY_CORS_ORIGINS: [] });
    expect(config.GATEWAY_PORT).not.toBe(8080); // the image's HEALTH_PORT
  });
});

// The plain manifests (deploy/kubernetes/data-volumes.yaml) are the chart rendered with
// deploy/kubernetes/values.yaml; test/deploy/helm-chart.test.ts fails when the file is stale, or when the
// chart's copy of the generated NATS permissions differs from deploy/nats/nats-server.conf.
//   node -r ./scripts/ts-register.js test/deploy/plain-manifests.ts    copies the NATS permissions into the
//   chart and rewrites the plain manifests (builds Helm first if the cache lacks it)
import { execFile } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureHelmBinary, repoRoot } from '../testbed/testing-lib';

const run = promisify(execFile);

export const CHART_DIR = join(repoRoot(), 'deploy', 'helm', 'data-volumes');
export const PLAIN_MANIFESTS = join(repoRoot(), 'deploy', 'kubernetes', 'data-volumes.yaml');
export const PLAIN_VALUES = join(repoRoot(), 'deploy', 'kubernetes', 'values.yaml');
export const PLAIN_RELEASE = 'dv';
export const PLAIN_NAMESPACE = 'dv-system';

const HEADER = [
  '# Generated from the Helm chart deploy/helm/data-volumes with deploy/kubernetes/values.yaml',
  `# (release "${PLAIN_RELEASE}", namespace ${PLAIN_NAMESPACE}): do not edit by hand. Regenerate with`,
  '#   node -r ./scripts/ts-register.js test/deploy/plain-manifests.ts',
  '# Apply after making the namespace and the Secrets deploy/kubernetes/README.md names.',
  '',
].join('\n');

/** The plain manifests as the chart renders them now. */
export async function renderPlainManifests(helm: string): Promise<string> {
  const { stdout } = await run(helm, ['template', PLAIN_RELEASE, CHART_DIR, '--namespace', PLAIN_NAMESPACE, '--values', PLAIN_VALUES], {
    maxBuffer: 32 * 1024 * 1024,
  });
  return `${HEADER}${stdout}`;
}

async function main(): Promise<void> {
  // Helm reads no file outside the chart: the chart carries a copy of the generated configuration.
  await copyFile(join(repoRoot(), 'deploy', 'nats', 'nats-server.conf'), join(CHART_DIR, 'files', 'nats-server.conf'));
  await writeFile(PLAIN_MANIFESTS, await renderPlainManifests(await ensureHelmBinary()));
  process.stdout.write(`wrote ${PLAIN_MANIFESTS}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

// The addresses the jest global setup (test/testbed/jest-global-setup.ts) hands to the test workers.
export function bedEnv(name: 'NATS_URL' | 'MONGO_URL' | 'KUBECONFIG' | 'KUBE_TOKEN'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through the workspace jest config, whose global setup starts the test bed`);
  return value;
}

/** A name no other test run uses: prefix-<random>. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

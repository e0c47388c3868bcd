/**
 * Node's flags of a service's process as deployed: the Helm chart's `<service>.env.NODE_OPTIONS` holds
 * the same (test/deploy/helm-chart.test.ts compares them), and the test bed, `npm start` and the
 * benchmarks start the services with these.
 *
 * The gateway: a young generation of 64 MB semi-spaces instead of V8's default 16 MB. With 64 requests in flight the
 * default space filled every few hundred requests and each scavenge copied their live objects, about a
 * tenth of the gateway's CPU per check (docs/benchmarks.md, decision 0033). The cost is memory: at most
 * 3 × 64 MB of young generation, inside the chart's 512 MiB limit.
 */
export const SERVICE_NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  gateway: ['--max-semi-space-size=64'],
};

export function serviceNodeFlags(service: string): string[] {
  return [...(SERVICE_NODE_FLAGS[service] ?? [])];
}

// RPC round trips through our layer (RpcClient.call → NatsTransportStrategy/serveRpc → @RpcHandler)
// against a raw nats.js echo (nc.request → queue subscription answering m.respond(m.data)), in one run,
// on one server, with one payload. Each responder runs in its own child process; the client is this
// process. Prints JSON on stdout. Run: node -r ./scripts/ts-register.js test/bench/rpc-vs-raw.bench.ts
import { join, resolve } from 'node:path';
import { RpcClient, drainNats } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { type BenchChild, startBenchChild } from './harness/child';
import { benchConnect, connectionSetup } from './harness/connection';
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { type ClosedLoopResult, runClosedLoop, scaled, selectedImpls } from './harness/load';
import {
  BENCH_PAYLOAD,
  BENCH_PAYLOAD_BYTES,
  benchPayloadSchema,
  echoRpc,
  envelopeEchoRpc,
  rawEchoSubject,
  runPrefix,
  serveRpcEchoRpc,
} from './harness/payload';
import { type ProcessUsage, ownUsage, perOperation, processUsage } from './harness/proc';
import { profileDir, startProfile, stopProfile } from './harness/profiler';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { startBenchServers } from './harness/servers';

const REQUIRED_RATIO_AT_64 = 0.6;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
/** Requests per measured round, and warm-up requests per implementation, by concurrency. */
const PLAN = [
  { concurrency: 1, requests: scaled(3_000), warmup: scaled(1_000) },
  { concurrency: 64, requests: scaled(20_000), warmup: scaled(5_000) },
] as const;

/**
 * raw and ours are the comparison. Two diagnostics (at concurrency 64 only, not part of the ratio) tell
 * where our costs are: ours-client-only is RpcClient.call against a raw nats.js responder that wraps
 * the echo in our reply envelope (our client-side costs alone); ours-without-nest is RpcClient.call
 * against serveRpc called directly (our layer minus Nest's handler pipeline).
 */
type RpcImpl = 'raw' | 'ours' | 'ours-client-only' | 'ours-without-nest';
const RESPONDER: Record<RpcImpl, 'raw' | 'ours' | 'envelope' | 'serve-rpc'> = {
  raw: 'raw',
  ours: 'ours',
  'ours-client-only': 'envelope',
  'ours-without-nest': 'serve-rpc',
};
const DIAGNOSTICS: readonly RpcImpl[] = ['ours-client-only', 'ours-without-nest'];

type Op = () => Promise<unknown>;

interface Round extends ClosedLoopResult {
  client: ProcessUsage;
  responder: ProcessUsage;
  server: ProcessUsage;
}

const UNKNOWN: ProcessUsage = { cpuUs: Number.NaN, systemCpuUs: Number.NaN, readCalls: Number.NaN, writeCalls: Number.NaN };

/** Medians over rounds of what each process used per request (CPU in microseconds, write system calls). */
function perRequest(rounds: readonly Round[]) {
  const m = (pick: (r: Round) => number): number => Math.round(median(rounds.map(pick)) * 100) / 100;
  return {
    client_cpu_us: m((r) => r.client.cpuUs),
    client_system_cpu_us: m((r) => r.client.systemCpuUs),
    responder_cpu_us: m((r) => r.responder.cpuUs),
    responder_system_cpu_us: m((r) => r.responder.systemCpuUs),
    server_cpu_us: m((r) => r.server.cpuUs),
    client_writes: m((r) => r.client.writeCalls),
    responder_writes: m((r) => r.responder.writeCalls),
  };
}

interface Measured {
  impl: RpcImpl;
  concurrency: number;
  requests: number;
  throughput: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  mean_us: number;
  /** Per request, median of rounds: CPU time (and its kernel part) of the client (this process), the responder and nats-server; write system calls. */
  per_request: ReturnType<typeof perRequest>;
  rounds: number;
  throughput_by_round: number[];
  errors: number;
}

function operations(client: NatsConnection, prefix: string): Record<RpcImpl, Op> {
  const echo = echoRpc(prefix);
  const envelopeEcho = envelopeEchoRpc(prefix);
  const serveRpcEcho = serveRpcEchoRpc(prefix);
  const rpc = new RpcClient(client, { timeoutMs: 10_000 });
  const rawSubject = rawEchoSubject(prefix);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    // What any nats.js application sending JSON does: encode, request, decode. No validation, no headers.
    raw: async () => {
      const msg = await client.request(rawSubject, encoder.encode(JSON.stringify(BENCH_PAYLOAD)), { timeout: 10_000 });
      return JSON.parse(decoder.decode(msg.data)) as unknown;
    },
    ours: () => rpc.call(echo, BENCH_PAYLOAD),
    'ours-client-only': () => rpc.call(envelopeEcho, BENCH_PAYLOAD),
    'ours-without-nest': () => rpc.call(serveRpcEcho, BENCH_PAYLOAD),
  };
}

async function checkOnce(ops: Record<RpcImpl, Op>, impls: readonly RpcImpl[]): Promise<void> {
  for (const impl of impls) {
    const reply = benchPayloadSchema.safeParse(await ops[impl]());
    if (!reply.success || JSON.stringify(reply.data) !== JSON.stringify(BENCH_PAYLOAD)) throw new Error(`${impl} echo did not return the payload`);
  }
}

function summarize(impl: RpcImpl, concurrency: number, list: readonly Round[]): Measured {
  const latency = new LatencyHistogram();
  for (const r of list) latency.merge(r.latency);
  return {
    impl,
    concurrency,
    requests: list.reduce((n, r) => n + r.operations, 0),
    throughput: round1(median(list.map((r) => r.throughput))),
    ...latency.summary(),
    per_request: perRequest(list),
    rounds: list.length,
    throughput_by_round: list.map((r) => round1(r.throughput)),
    errors: list.reduce((n, r) => n + r.errors, 0),
  };
}

async function run(): Promise<object> {
  const servers = await startBenchServers();
  const prefix = runPrefix();
  const selected = selectedImpls();
  const impls: RpcImpl[] = selected.length === 2 && process.env['BENCH_RPC_DIAGNOSTICS'] !== '0' ? [...selected, ...DIAGNOSTICS] : [...selected];
  const children = new Map<RpcImpl, BenchChild>();
  let client: NatsConnection | undefined;
  let rawClient: NatsConnection | undefined;
  try {
    for (const impl of impls) children.set(impl, await startBenchChild('rpc-responder.ts', { impl: RESPONDER[impl], natsUrl: servers.natsUrl, prefix }));
    client = await benchConnect(servers.natsUrl, 'bench-rpc-client', 'ours');
    rawClient = await benchConnect(servers.natsUrl, 'bench-rpc-client-raw', 'raw');
    const ops = { ...operations(client, prefix), raw: operations(rawClient, prefix).raw };
    await checkOnce(ops, impls);
    const profiles = profileDir();

    const results: Measured[] = [];
    for (const step of PLAN) {
      const stepImpls = step.concurrency === 64 ? impls : impls.filter((i) => !DIAGNOSTICS.includes(i));
      for (const impl of stepImpls) {
        progress(`warm-up ${impl} at concurrency ${step.concurrency}: ${step.warmup} requests`);
        await runClosedLoop({ concurrency: step.concurrency, operations: step.warmup, op: ops[impl] });
      }
      const runs = new Map<RpcImpl, Round[]>(stepImpls.map((i) => [i, []]));
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which side goes first, so neither always runs on a warmer or cooler machine.
        const order = round % 2 === 0 ? stepImpls : [...stepImpls].reverse();
        for (const impl of order) {
          const responder = children.get(impl);
          const usage = async () => ({
            client: ownUsage(),
            responder: (await responder?.usage()) ?? UNKNOWN,
            server: servers.pid ? processUsage(servers.pid) : UNKNOWN,
          });
          const profiling = profiles !== undefined && step.concurrency === 64;
          if (profiling) await Promise.all([startProfile(), responder?.startProfile()]);
          const before = await usage();
          const result = await runClosedLoop({ concurrency: step.concurrency, operations: step.requests, op: ops[impl] });
          const after = await usage();
          if (profiling) {
            const base = join(resolve(profiles), `rpc-${impl}-c${step.concurrency}-round${round + 1}`);
            await Promise.all([stopProfile(`${base}-client.cpuprofile`), responder?.stopProfile(`${base}-responder.cpuprofile`)]);
          }
          if (result.errors > 0) throw new Error(`${impl}: ${result.errors} of ${result.operations} requests failed; first: ${String(result.firstError)}`);
          runs.get(impl)?.push({
            ...result,
            client: perOperation(before.client, after.client, result.operations),
            responder: perOperation(before.responder, after.responder, result.operations),
            server: perOperation(before.server, after.server, result.operations),
          });
          progress(
            `${impl} c=${step.concurrency} round ${round + 1}/${ROUNDS}: ${Math.round(result.throughput)} req/s, p50 ${round1(result.latency.percentile(50))} us, p99 ${round1(result.latency.percentile(99))} us`,
          );
        }
      }
      for (const impl of stepImpls) results.push(summarize(impl, step.concurrency, runs.get(impl) ?? []));
    }

    const at64 = (impl: RpcImpl): number | undefined => results.find((r) => r.impl === impl && r.concurrency === 64)?.throughput;
    const ours64 = at64('ours');
    const raw64 = at64('raw');
    const ratio = ours64 !== undefined && raw64 !== undefined ? Math.round((ours64 / raw64) * 1000) / 1000 : null;
    return {
      benchmark: 'rpc-vs-raw',
      node: process.version,
      nats: natsVersions(client),
      machine: machine(),
      setup: {
        server: `nats-server (${servers.origin}) ${servers.natsUrl}`,
        responders: 'one child process per implementation (own event loop and connection); the client (this process) has one connection per side',
        connection: connectionSetup(),
        raw: 'client: JSON.stringify + nc.request + JSON.parse; responder: queue subscription callback m.respond(m.data)',
        ours: 'client: RpcClient.call (zod request check, dv-request-id header, trace span, reply envelope and schema check); responder: createNatsMicroservice + @RpcHandler echo returning the request',
        'ours-client-only':
          'diagnostic at concurrency 64, not part of the ratio: RpcClient.call against a raw responder that wraps the echo in {"ok":true,"data":…}',
        'ours-without-nest': 'diagnostic at concurrency 64, not part of the ratio: RpcClient.call against serveRpc called directly (no Nest)',
        telemetry: 'no OpenTelemetry SDK registered (API no-op tracer and propagator)',
        payload_bytes: BENCH_PAYLOAD_BYTES,
        method: `closed loop: N requests in flight; per concurrency: warm-up per implementation, then ${ROUNDS} rounds alternating the order; throughput = median of rounds, latency percentiles over all rounds' requests, per_request = CPU and write calls per request (median of rounds)`,
      },
      results: results.map(({ impl, concurrency, requests, throughput, p50_us, p99_us, ...more }) => ({
        impl,
        concurrency,
        requests,
        throughput,
        p50_us,
        p99_us,
        ...more,
      })),
      ratio_at_64: ratio,
      required_ratio_at_64: REQUIRED_RATIO_AT_64,
      pass: ratio !== null && ratio >= REQUIRED_RATIO_AT_64,
    };
  } finally {
    if (client) await drainNats(client);
    if (rawClient) await drainNats(rawClient);
    for (const child of children.values()) await child.stop();
    await servers.stop();
  }
}

benchMain(run);

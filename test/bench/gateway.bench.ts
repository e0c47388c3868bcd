// The REST gateway against its floor and against NATS, in one run (issue 14): the same calls
// - through the gateway (a process: bearer token from the real identity provider, verified and cached,
//   rate limit, CORS and security headers, trace context, access log, validation both ways, error mapping),
// - through the floor (test/bench/gateway/floor-server.ts, a process: a bare node:http server forwarding
//   to the same NATS subject with a fixed identity, no validation, no authentication, the reply's bytes as they came),
// - directly over NATS by an already-authenticated client (RpcClient in this process, identity header set),
// at 1 and 64 concurrent connections, HTTP load by autocannon: GET /api/v1/datavolumes/{id}, a
// UsableInProject list page (50) at 10,000 volumes, and a check (POST /api/dv/v1/check, when the gateway
// serves it). Also the token verification cache: p50 of a hit. authz, sharing and volume run as
// real processes on a fresh test bed; the identity provider is Ory Hydra (the test bed's build). Prints JSON.
// Run: node -r ./scripts/ts-register.js test/bench/gateway.bench.ts   (BENCH_SCALE=0.1 for a smoke run)
import { AuthzRpc, DvError, type IdentityInput, VolumeRpc } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type ServiceProcess, nodeEntryArgs, repoRoot, serviceModeFromEnv, serviceNodeFlags, startDevIdentityProvider, startTestBed } from '@dv/testing';
import { type NatsConnection } from '@nats-io/nats-core';
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/* eslint-disable @nx/enforce-module-boundaries -- the gateway's own verifier, measured in-process; tokens as the gateway's tests get them */
import { TokenVerifier } from '../../services/gateway/src/auth/token-verifier';
import { AUDIENCE, clientCredentialsToken, serviceAccountClient } from '../../services/gateway/test/oidc-client';
/* eslint-enable @nx/enforce-module-boundaries */
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { runClosedLoop, scaled } from './harness/load';
import { processUsage } from './harness/proc';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { generateOrg, publishOrg, seedVolumes, volumeDoc } from './volume-sharing/seed';
import { until } from './harness/until';
import { startVolumeServices } from './volume-sharing/services';

const REQUIRED_FLOOR_RATIO = 0.8;
const REQUIRED_CACHE_HIT_P50_US = 50;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const VOLUMES = scaled(10_000);
/** Volumes originating in the listed project (the rest spread over the others): a full page of 50 and more. */
const IN_LISTED_PROJECT = Math.min(VOLUMES, scaled(1_000));
const ORG = { clusters: 5, departmentsPerCluster: 10, projectsPerDepartment: 10 };
const CONNECTIONS = [1, 64] as const;
type Op = 'get' | 'list' | 'check';
/** BENCH_OPS=get,list picks operations (all by default). */
const OPS = (process.env['BENCH_OPS'] ?? 'get,list,check').split(',').filter((o): o is Op => o === 'get' || o === 'list' || o === 'check');
type Target = 'gateway' | 'floor' | 'nats';
/** Requests per measured NATS run and (a third of it) per 1-connection latency loop, by operation and connections; HTTP runs last HTTP_SECONDS. */
const PLAN: Record<Op, Record<(typeof CONNECTIONS)[number], number>> = {
  get: { 1: scaled(1_500), 64: scaled(15_000) },
  list: { 1: scaled(300), 64: scaled(3_000) },
  check: { 1: scaled(1_500), 64: scaled(15_000) },
};
/** Seconds per measured HTTP run (autocannon); BENCH_SECONDS. */
const HTTP_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const VIEWER_ROLE = 7;
const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };

interface RunResult {
  throughput: number;
  p50_us: number;
  p99_us: number;
  errors: number;
  /** CPU microseconds per request of the HTTP server process (gateway or floor); absent for NATS. */
  server_cpu_us: number | undefined;
}

/** A process of ours whose stdout goes to a file (the gateway's access log must not pile up in this process's memory). */
function spawnLogged(args: string[], env: Record<string, string>, logPath: string): ChildProcess {
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, args, { cwd: repoRoot(), env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function run(): Promise<object> {
  const started = Date.now();
  const loadAtStart = machine().load_average;
  const dir = await mkdtemp(join(tmpdir(), 'dv-bench-gateway-'));
  const bed = await startTestBed({
    env: { PATH: process.env['PATH'] ?? '' },
    nats: { open: "the benchmark keeps its baseline's setup: no users (permission checks are measured by none of its figures)" },
  });
  const idp = await startDevIdentityProvider({ dir });
  const services: ServiceProcess[] = [];
  let gateway: ChildProcess | undefined;
  let floor: ChildProcess | undefined;
  let nc: NatsConnection | undefined;
  try {
    nc = await connectNats({ url: bed.natsUrl, name: 'bench-gateway' });
    await ensureStreams(nc);
    const publisher = new EventPublisher(nc, 'dv/bench-platform');
    const client = new RpcClient(nc, { timeoutMs: 30_000 });
    const org = generateOrg(ORG);
    const platform = await publishOrg(publisher, org);
    await startVolumeServices(bed, services);

    // The caller: a service account of the provider (client credentials), Viewer on the tenant.
    const account = await serviceAccountClient(idp);
    const token = await clientCredentialsToken(idp, account);
    const caller = { subjectId: account.client_id, subjectType: 'service-account' } satisfies IdentityInput;
    const { revision: granted } = await client.call(
      AuthzRpc.createAccessRule,
      { subjectType: 'service-account', subjectId: account.client_id, roleId: VIEWER_ROLE, scopeType: 'tenant', scopeId: org.tenantId },
      { identity: ROOT },
    );
    const listed = org.projects[0];
    if (listed === undefined) throw new Error('no project');
    await until('the volume service knows the org and the rule', () =>
      client.call(VolumeRpc.count, { requestType: 'UsableInProject', usableInProjectId: listed.id, atLeast: { ...granted, platform } }, { identity: caller }),
    );

    const seedStart = Date.now();
    const now = new Date().toISOString();
    const others = org.projects.slice(1);
    const docs = Array.from({ length: VOLUMES }, (_, i) => volumeDoc(i, i < IN_LISTED_PROJECT ? listed : (others[i % others.length] ?? listed), now));
    const events = await seedVolumes(bed.mongoUrl, 'bench_volume', publisher, docs);
    await until('the volume service read model has the volumes', async () => {
      const { count } = await client.call(VolumeRpc.count, { requestType: 'Originated', atLeast: { events } }, { identity: caller });
      return count === VOLUMES ? true : undefined;
    });
    const seedMs = Date.now() - seedStart;
    progress(`${VOLUMES} volumes seeded (${IN_LISTED_PROJECT} in ${listed.id}) in ${seedMs} ms`);

    // The gateway, as deployed but for its rate limit (one caller at 64 connections would be refused: the limiter still runs, its bucket never empties).
    const gatewayLog = join(dir, 'gateway.log');
    gateway = spawnLogged(
      [
        // As deployed (the chart's NODE_OPTIONS), unless BENCH_GATEWAY_NODE_OPTIONS says otherwise.
        ...(process.env['BENCH_GATEWAY_NODE_OPTIONS'] ?? serviceNodeFlags('gateway').join(' ')).split(/\s+/).filter((a) => a !== ''),
        ...nodeEntryArgs('services/gateway', 'main.ts', serviceModeFromEnv()),
      ],
      {
        NATS_URL: bed.natsUrl,
        HEALTH_PORT: '0',
        LOG_LEVEL: 'info',
        GATEWAY_PORT: '0',
        GATEWAY_OIDC_ISSUER: idp.issuer,
        GATEWAY_OIDC_AUDIENCE: AUDIENCE,
        GATEWAY_RATE_LIMIT_PER_S: '1000000',
        GATEWAY_RATE_LIMIT_BURST: '1000000',
        GATEWAY_NATS_TIMEOUT_MS: '30s',
        GATEWAY_REQUEST_TIMEOUT_MS: '60s',
        // For profiling only: variables to change, as JSON (e.g. {"GATEWAY_ACCESS_LOG":"false"}); the report names them.
        ...gatewayEnvOverride(),
      },
      gatewayLog,
    );
    const gatewayPort = await until(
      'the gateway to listen',
      async () => /"msg":"service ready".*?"httpPort":(\d+)/.exec(readFileSync(gatewayLog, 'utf8'))?.[1],
      60_000,
    );
    const floorLog = join(dir, 'floor.log');
    floor = spawnLogged(
      [
        ...(process.env['BENCH_FLOOR_NODE_OPTIONS'] ?? '').split(/\s+/).filter((a) => a !== ''),
        '-r',
        join(repoRoot(), 'scripts', 'ts-register.js'),
        join(__dirname, 'gateway', 'floor-server.ts'),
        JSON.stringify({ natsUrl: bed.natsUrl, identity: caller }),
      ],
      {},
      floorLog,
    );
    const floorPort = await until('the floor to listen', async () => /"floorPort":(\d+)/.exec(readFileSync(floorLog, 'utf8'))?.[1], 60_000);
    const base: Record<Exclude<Target, 'nats'>, string> = { gateway: `http://127.0.0.1:${gatewayPort}`, floor: `http://127.0.0.1:${floorPort}` };
    const pids: Record<Exclude<Target, 'nats'>, number | undefined> = { gateway: gateway.pid, floor: floor.pid };

    const volumeId = docs[0]?._id ?? '';
    const listQuery = { requestType: 'UsableInProject', usableInProjectId: listed.id, sortBy: 'name', sortOrder: 'asc', limit: '50' } as const;
    const checkBody = { subject: caller, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: listed.id } } as const;
    const requests: Record<Op, { method: 'GET' | 'POST'; path: string; body?: string }> = {
      get: { method: 'GET', path: `/api/v1/datavolumes/${volumeId}` },
      list: { method: 'GET', path: `/api/v1/datavolumes?${new URLSearchParams(listQuery).toString()}` },
      check: { method: 'POST', path: '/api/dv/v1/check', body: JSON.stringify(checkBody) },
    };
    const natsOps: Record<Op, () => Promise<unknown>> = {
      get: () => client.call(VolumeRpc.get, { id: volumeId }, { identity: caller }),
      list: () => client.call(VolumeRpc.list, { ...listQuery, limit: 50 }, { identity: caller }),
      check: () => client.call(AuthzRpc.check, checkBody, { identity: caller }),
    };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // What each answers, once: the same thing through all three.
    const samples: Record<string, unknown> = {};
    for (const op of ['get', 'list', 'check'] as const) {
      const r = requests[op];
      const viaGateway = await fetch(`${base.gateway}${r.path}`, { method: r.method, headers, body: r.body ?? null });
      const viaFloor = await fetch(`${base.floor}${r.path}`, { method: r.method, headers, body: r.body ?? null });
      const floorBody = (await viaFloor.json()) as { ok?: boolean };
      if (viaFloor.status !== 200 || floorBody.ok !== true) throw new Error(`floor ${op}: ${viaFloor.status} ${JSON.stringify(floorBody).slice(0, 300)}`);
      const gatewayText = await viaGateway.text();
      if (viaGateway.status !== 200) throw new Error(`gateway ${op}: ${viaGateway.status} ${gatewayText.slice(0, 300)}`);
      samples[op] = { gateway_status: viaGateway.status, gateway_bytes: gatewayText.length, floor_bytes: JSON.stringify(floorBody).length };
      await natsOps[op]();
    }

    const cpuOf = (target: Target): number | undefined => {
      const pid = target === 'nats' ? undefined : pids[target];
      return pid === undefined ? undefined : processUsage(pid).cpuUs;
    };
    // By duration, not by count: autocannon notices that a count is done only on its once-a-second
    // tick, which rounded every run's time up to whole seconds (throughput = count / ceil(t)).
    const http = async (target: Exclude<Target, 'nats'>, op: Op, connections: number, seconds: number): Promise<RunResult> => {
      const r = requests[op];
      const before = cpuOf(target);
      const t0 = process.hrtime.bigint();
      const result = await autocannon({
        url: `${base[target]}${r.path}`,
        method: r.method,
        headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
        connections,
        duration: seconds,
        timeout: 30,
      });
      const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
      const after = cpuOf(target);
      const ok = result['2xx'];
      const errors = result.errors + result.timeouts + result.non2xx;
      return {
        // autocannon's own duration is in whole seconds: timed here instead.
        throughput: ok / elapsedS,
        p50_us: result.latency.p50 * 1000,
        p99_us: result.latency.p99 * 1000,
        errors,
        server_cpu_us: before === undefined || after === undefined ? undefined : (after - before) / Math.max(1, result.requests.total),
      };
    };
    // autocannon reports latency in whole milliseconds: at 1 connection the latency comes from this
    // loop instead (one keep-alive connection, node:http, microseconds).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const oneRequest = (target: Exclude<Target, 'nats'>, op: Op): Promise<void> =>
      new Promise((resolve, reject) => {
        const r = requests[op];
        const req = httpRequest(`${base[target]}${r.path}`, { method: r.method, headers, agent }, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode ?? 0}`))));
        });
        req.on('error', reject);
        req.end(r.body);
      });
    const latencyAtOne = async (target: Exclude<Target, 'nats'>, op: Op, amount: number): Promise<{ p50_us: number; p99_us: number }> => {
      const result = await runClosedLoop({ concurrency: 1, operations: amount, op: () => oneRequest(target, op) });
      return { p50_us: result.latency.percentile(50), p99_us: result.latency.percentile(99) };
    };
    const nats = async (op: Op, connections: number, amount: number): Promise<RunResult> => {
      const result = await runClosedLoop({ concurrency: connections, operations: amount, op: natsOps[op] });
      if (result.errors > 0) {
        const first = result.firstError;
        progress(`nats ${op}: ${result.errors} failed; first: ${first instanceof DvError ? `${first.code} ${first.message}` : String(first)}`);
      }
      return {
        throughput: result.throughput,
        p50_us: result.latency.percentile(50),
        p99_us: result.latency.percentile(99),
        errors: result.errors,
        server_cpu_us: undefined,
      };
    };

    const results: object[] = [];
    const ratios: Record<string, number> = {};
    for (const op of OPS) {
      for (const connections of CONNECTIONS) {
        const amount = PLAN[op][connections];
        const targets: Target[] = ['floor', 'gateway', 'nats'];
        for (const target of targets) {
          const warmup = Math.max(connections, Math.ceil(amount / 5));
          if (target === 'nats') await nats(op, connections, warmup);
          else await http(target, op, connections, 1);
        }
        const rounds = new Map<Target, RunResult[]>(targets.map((t) => [t, []]));
        for (let round = 0; round < ROUNDS; round++) {
          for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
            const r = target === 'nats' ? await nats(op, connections, amount) : await http(target, op, connections, HTTP_SECONDS);
            if (target !== 'nats' && connections === 1) Object.assign(r, await latencyAtOne(target, op, Math.ceil(amount / 3)));
            rounds.get(target)?.push(r);
            progress(
              `${op} c=${connections} ${target} round ${round + 1}/${ROUNDS}: ${Math.round(r.throughput)} req/s, p50 ${round1(r.p50_us)} us, errors ${r.errors}`,
            );
          }
        }
        const summary: Record<string, object> = {};
        for (const [target, list] of rounds) {
          summary[target] = {
            throughput: round1(median(list.map((r) => r.throughput))),
            p50_us: round1(median(list.map((r) => r.p50_us))),
            p99_us: round1(median(list.map((r) => r.p99_us))),
            throughput_by_round: list.map((r) => round1(r.throughput)),
            errors: list.reduce((n, r) => n + r.errors, 0),
            ...(list[0]?.server_cpu_us !== undefined ? { server_cpu_us_per_request: round1(median(list.map((r) => r.server_cpu_us ?? 0))) } : {}),
          };
        }
        const tp = (t: Target): number => median((rounds.get(t) ?? []).map((r) => r.throughput));
        const ratio = Math.round((tp('gateway') / tp('floor')) * 1000) / 1000;
        ratios[`${op}_c${connections}`] = ratio;
        results.push({
          op,
          connections,
          requests_per_round: amount,
          ...summary,
          gateway_vs_floor: ratio,
        });
      }
    }

    // The token verification cache: the gateway's verifier, in this process, against the provider's key set.
    const verifier = new TokenVerifier({
      issuer: idp.issuer,
      audience: AUDIENCE,
      jwksUrl: `${idp.publicUrl}/.well-known/jwks.json`,
      claims: { subject: 'sub', groups: 'groups' },
      cacheMax: 10_000,
      jwksCooldownMs: 5_000,
    });
    const header = `Bearer ${token}`;
    const missStart = process.hrtime.bigint();
    if (!(await verifier.verifyHeader(header)).ok) throw new Error('the verifier refused the token');
    const missUs = Number(process.hrtime.bigint() - missStart) / 1000;
    const hits = new LatencyHistogram();
    for (let i = 0; i < scaled(20_000); i++) {
      const t0 = process.hrtime.bigint();
      await verifier.verifyHeader(header);
      hits.recordNs(process.hrtime.bigint() - t0);
    }
    const hitP50 = hits.percentile(50);

    const at64 = Object.entries(ratios).filter(([k]) => k.endsWith('_c64'));
    const floorPass = at64.every(([, r]) => r >= REQUIRED_FLOOR_RATIO);
    return {
      benchmark: 'gateway',
      node: process.version,
      nats: natsVersions(nc),
      machine: machine(),
      setup: {
        servers:
          'fresh test bed: nats-server with JetStream (open, no users), FerretDB, etcd + kube-apiserver; authz, sharing and volume as processes (startServiceProcess); Ory Hydra v2.3.0 as the identity provider',
        caller: `a service account of the provider (client credentials token, RS256 JWT), Viewer (role ${VIEWER_ROLE}) on the tenant`,
        volumes: `${VOLUMES} Ready volumes, ${IN_LISTED_PROJECT} in project ${listed.id} (the listed one), the rest over ${others.length} projects; seeded straight into the volume service's collection with their Ready events (test/bench/volume-sharing/seed.ts), ${seedMs} ms`,
        gateway: `services/gateway as a process (${serviceModeFromEnv()} mode), its defaults but GATEWAY_RATE_LIMIT_PER_S/BURST 1,000,000 (the limiter runs, never refuses); access log on, to a file; node flags: ${process.env['BENCH_GATEWAY_NODE_OPTIONS'] ?? serviceNodeFlags('gateway').join(' ')} (the chart's NODE_OPTIONS unless BENCH_GATEWAY_NODE_OPTIONS); changed for this run: ${JSON.stringify(gatewayEnvOverride())}`,
        floor: 'test/bench/gateway/floor-server.ts as a process: node:http, fixed dv-identity, the NATS reply bytes written back, nothing checked',
        nats: 'RpcClient.call in this process with the identity header (request validated before it leaves, reply validated), closed loop',
        http_load: `autocannon ${autocannonVersion()} in this process, keep-alive connections, ${HTTP_SECONDS} s per run`,
        requests: { get: requests.get.path, list: requests.list.path, check: `${requests.check.path} ${requests.check.body ?? ''}` },
        samples,
        method: `per operation and connection count: a warm-up per target (1 s of HTTP, a fifth of the NATS count), then ${ROUNDS} rounds alternating the order of the targets; throughput = median of rounds (2xx answers per second, autocannon), latency p50/p99 = median of the rounds' percentiles (autocannon's, in whole ms, at 64 connections; at 1 connection a third as many requests again, one after the other on one keep-alive node:http connection, in microseconds); server_cpu_us_per_request: CPU time of the HTTP server process per request`,
        load_average_at_start: loadAtStart,
        total_seconds: Math.round((Date.now() - started) / 1000),
      },
      results,
      token_cache: {
        miss_us: round1(missUs),
        hit: hits.summary(),
        hit_p50_us: round1(hitP50),
        required_hit_p50_us: REQUIRED_CACHE_HIT_P50_US,
        signature_checks: verifier.signatureChecks,
      },
      gateway_vs_floor_at_64: Object.fromEntries(at64),
      required_gateway_vs_floor: REQUIRED_FLOOR_RATIO,
      pass: floorPass && hitP50 < REQUIRED_CACHE_HIT_P50_US,
    };
  } finally {
    if (nc) await drainNats(nc).catch(() => undefined);
    await stopChild(gateway);
    await stopChild(floor);
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await idp.stop().catch(() => undefined);
    await bed.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function gatewayEnvOverride(): Record<string, string> {
  const raw = process.env['BENCH_GATEWAY_ENV'];
  return raw === undefined || raw === '' ? {} : (JSON.parse(raw) as Record<string, string>);
}

function autocannonVersion(): string {
  try {
    return (JSON.parse(readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

benchMain(run);

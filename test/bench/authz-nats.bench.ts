// authz over NATS, two replicas as real processes (services/authz/src/main.ts) on their own nats-server
// and a MongoDB-wire server: `dv.authz.check` throughput and latency at 64 in flight against a raw
// nats.js echo responder in the same run (same request bytes, same concurrency, same number of
// responder processes); and how soon a grant written through one replica is visible to checks
// answered by the other. Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/authz-nats.bench.ts
import { AuthzEvents, AuthzRpc } from '@dv/contracts';
import { RpcClient, drainNats } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { type BenchChild, startBenchChild } from './harness/child';
import { benchConnect, connectionSetup } from './harness/connection';
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { type ClosedLoopResult, runClosedLoop, scaled } from './harness/load';
import { rawEchoSubject, runPrefix } from './harness/payload';
import { type ProcessUsage, ownUsage, perOperation, processUsage } from './harness/proc';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { startBenchMongo } from './authz/mongo';
import { Rng } from './authz/org';
import { RoleCatalog } from './authz/authz-internals';
import { AuthzCluster, BENCH_ROOT, BENCH_SERVICE, SMALL_ORG, type SeedPlan, checkBodies, publishRules, seedRules } from './authz/replicas';

const CONCURRENCY = 64;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const REQUESTS = scaled(20_000);
const WARMUP = scaled(5_000);
const GRANTS = scaled(200);
const REQUIRED_RATIO = 0.6;
const REQUIRED_VISIBILITY_P99_MS = 50;
/** Checks kept in flight while waiting for a grant to show on the other replica. */
const POLLERS = 4;
const VISIBILITY_TIMEOUT_MS = 5000;
/**
 * BENCH_AUTHZ_RULES (default 10,000) reach the replicas as access-rule.created events (see publishRules:
 * creating them through the RPC is slow on the test bed's FerretDB); BENCH_AUTHZ_RPC_RULES (default 300)
 * more are created through batch-create as the bootstrap admin.
 */
const SEED: SeedPlan & { viaRpc: number } = {
  rules: Number(process.env['BENCH_AUTHZ_RULES'] ?? 10_000),
  viaRpc: Number(process.env['BENCH_AUTHZ_RPC_RULES'] ?? 300),
  users: 2000,
  groups: 200,
  subjectsPerBatch: 10,
  scopesPerBatch: 10,
  concurrency: 2,
};

type Impl = 'raw' | 'ours' | 'raw-decision-reply';
const COMPARED: readonly Impl[] = ['raw', 'ours'];

interface Round extends ClosedLoopResult {
  client: ProcessUsage;
  responders: ProcessUsage;
  server: ProcessUsage;
}

const sum = (list: readonly ProcessUsage[]): ProcessUsage =>
  list.reduce(
    (a, b) => ({
      cpuUs: a.cpuUs + b.cpuUs,
      systemCpuUs: a.systemCpuUs + b.systemCpuUs,
      readCalls: a.readCalls + b.readCalls,
      writeCalls: a.writeCalls + b.writeCalls,
    }),
    { cpuUs: 0, systemCpuUs: 0, readCalls: 0, writeCalls: 0 },
  );

function summarize(impl: Impl, rounds: readonly Round[]) {
  const latency = new LatencyHistogram();
  for (const r of rounds) latency.merge(r.latency);
  const m = (pick: (r: Round) => number): number => Math.round(median(rounds.map(pick)) * 10) / 10;
  const m2 = (pick: (r: Round) => number): number => Math.round(median(rounds.map(pick)) * 100) / 100;
  return {
    impl,
    concurrency: CONCURRENCY,
    requests: rounds.reduce((n, r) => n + r.operations, 0),
    throughput: round1(median(rounds.map((r) => r.throughput))),
    ...latency.summary(),
    per_request_cpu_us: { client: m((r) => r.client.cpuUs), responders: m((r) => r.responders.cpuUs), nats_server: m((r) => r.server.cpuUs) },
    // Socket writes per request show whether replies leave one by one or several per write (nats.js flushes once per microtask turn).
    per_request_syscalls: {
      client: { reads: m2((r) => r.client.readCalls), writes: m2((r) => r.client.writeCalls) },
      responders: { reads: m2((r) => r.responders.readCalls), writes: m2((r) => r.responders.writeCalls) },
    },
    throughput_by_round: rounds.map((r) => round1(r.throughput)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}

async function visibility(cluster: AuthzCluster, projects: readonly { scopeType: 'project'; scopeId: string }[], rng: Rng, runId: string) {
  const fromReply = new LatencyHistogram();
  const fromRequest = new LatencyHistogram();
  const lowerBound = new LatencyHistogram();
  let writerAnswers = 0;
  let deniedByOther = 0;
  const timeouts: string[] = [];
  const writers = new Map<string, number>();
  for (let i = 0; i < GRANTS; i++) {
    const subjectId = `vis-${runId}-${i}`;
    const scope = rng.pick(projects);
    const sent = process.hrtime.bigint();
    const created = await cluster.request(
      AuthzRpc.createAccessRule.subject,
      { subjectType: 'user', subjectId, roleId: 2256, scopeType: scope.scopeType, scopeId: scope.scopeId },
      BENCH_ROOT,
    );
    const replied = process.hrtime.bigint();
    if (!(created.reply as { ok?: boolean }).ok) throw new Error(`create failed: ${JSON.stringify(created.reply)}`);
    const writer = created.responder;
    writers.set(writer, (writers.get(writer) ?? 0) + 1);
    const check = { subject: { subjectType: 'user', subjectId }, action: 'create', resourceType: 'datavolumes', scope };
    let visibleAt: bigint | undefined;
    let visibleSent: bigint | undefined;
    const deadline = replied + BigInt(VISIBILITY_TIMEOUT_MS) * 1_000_000n;
    const poller = async (): Promise<void> => {
      while (visibleAt === undefined && process.hrtime.bigint() < deadline) {
        const asked = process.hrtime.bigint();
        const answer = await cluster.request(AuthzRpc.check.subject, check, { subjectId, subjectType: 'user' });
        const at = process.hrtime.bigint();
        const reply = answer.reply as { ok?: boolean; data?: { allowed?: boolean } };
        if (!reply.ok) throw new Error(`check failed: ${JSON.stringify(reply)}`);
        if (answer.responder === writer) {
          writerAnswers++;
          continue;
        }
        if (reply.data?.allowed === true) {
          if (visibleAt === undefined || at < visibleAt) {
            visibleAt = at;
            visibleSent = asked;
          }
        } else deniedByOther++;
      }
    };
    await Promise.all(Array.from({ length: POLLERS }, poller));
    if (visibleAt === undefined || visibleSent === undefined) {
      timeouts.push(`${subjectId} in ${scope.scopeId}`);
      fromReply.recordUs(VISIBILITY_TIMEOUT_MS * 1000);
      fromRequest.recordUs(VISIBILITY_TIMEOUT_MS * 1000);
      continue;
    }
    fromReply.recordNs(visibleAt - replied);
    fromRequest.recordNs(visibleAt - sent);
    lowerBound.recordNs(visibleSent > replied ? visibleSent - replied : 0n);
  }
  const ms = (h: LatencyHistogram) => ({
    p50_ms: round1(h.percentile(50) / 1000),
    p90_ms: round1(h.percentile(90) / 1000),
    p99_ms: round1(h.percentile(99) / 1000),
    max_ms: round1(h.max() / 1000),
  });
  return {
    grants: GRANTS,
    pollers: POLLERS,
    from_create_reply: ms(fromReply),
    from_create_request: ms(fromRequest),
    lower_bound_from_create_reply: {
      ...ms(lowerBound),
      what: 'when the first allowed check from the other replica was sent (0 when it was sent before the create reply arrived)',
    },
    writer_answers_discarded: writerAnswers,
    denied_by_other_replica_before_visible: deniedByOther,
    writes_by_replica: Object.fromEntries(writers),
    timeouts: timeouts.length,
    timed_out: timeouts.slice(0, 10),
  };
}

async function run(): Promise<object> {
  const mongo = await startBenchMongo();
  const cluster = new AuthzCluster();
  const children: BenchChild[] = [];
  let client: NatsConnection | undefined;
  let rawClient: NatsConnection | undefined;
  try {
    await cluster.startNats();
    const org = await cluster.publishOrg(SMALL_ORG);
    const roles = RoleCatalog.load().roles.map((r) => ({ id: r.id, name: r.name }));
    await cluster.startReplicas(mongo.url, 2);
    await cluster.waitForReplicas({ platform: org.platformRevision });
    progress(`publishing ${SEED.rules} access-rule.created events`);
    const published = await publishRules(cluster, org, roles, SEED, new Rng(10));
    progress(
      `creating ${SEED.viaRpc} rules through batch-create (${SEED.subjectsPerBatch} subjects x ${SEED.scopesPerBatch} scopes per request, ${SEED.concurrency} in flight)`,
    );
    const seeded = await seedRules(
      cluster,
      org,
      roles.map((r) => r.id),
      SEED,
      new Rng(11),
    );
    const responders = await cluster.waitForReplicas({ events: Math.max(seeded.revision, published.revision), platform: org.platformRevision });
    progress(
      `${published.published} rules published, ${seeded.created} created through batch-create in ${round1(seeded.seconds)} s; replicas ${[...responders].join(', ')}`,
    );

    const prefix = runPrefix();
    const bodies = checkBodies(org, SEED, 2000, new Rng(12));
    const sample = await cluster.request(AuthzRpc.check.subject, bodies[0], BENCH_SERVICE);
    const decisionReply = JSON.stringify(sample.reply);
    for (let i = 0; i < 2; i++) children.push(await startBenchChild('rpc-responder.ts', { impl: 'raw', natsUrl: cluster.nats.url, prefix }));
    const cannedSubject = `dv.bench${prefix}.authz-canned`;
    for (let i = 0; i < 2; i++)
      children.push(await startBenchChild('../authz/canned-responder.ts', { natsUrl: cluster.nats.url, subject: cannedSubject, reply: decisionReply }));
    client = await benchConnect(cluster.nats.url, 'bench-authz-load', 'ours');
    rawClient = await benchConnect(cluster.nats.url, 'bench-authz-load-raw', 'raw');
    const conn = client;
    const raw = rawClient;
    const rpc = new RpcClient(conn, { timeoutMs: 10_000 });
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const rawSubject = rawEchoSubject(prefix);
    const body = (i: number) => {
      const b = bodies[i % bodies.length];
      if (!b) throw new Error('no check bodies');
      return b;
    };
    const ops: Record<Impl, (i: number) => Promise<unknown>> = {
      // What any nats.js application sending JSON does: encode, request, decode; the echo returns the request.
      raw: async (i) =>
        JSON.parse(decoder.decode((await raw.request(rawSubject, encoder.encode(JSON.stringify(body(i))), { timeout: 10_000 })).data)) as unknown,
      ours: (i) => rpc.call(AuthzRpc.check, body(i), { identity: BENCH_SERVICE }),
      'raw-decision-reply': async (i) =>
        JSON.parse(decoder.decode((await raw.request(cannedSubject, encoder.encode(JSON.stringify(body(i))), { timeout: 10_000 })).data)) as unknown,
    };
    const requestBytes = bodies.map((b) => encoder.encode(JSON.stringify(b)).length);
    const impls: Impl[] = [...COMPARED, 'raw-decision-reply'];
    const pids = {
      ours: cluster.replicas.map((r) => r.child.pid ?? 0),
    };
    const usageOf = async (impl: Impl): Promise<ProcessUsage> => {
      if (impl === 'ours') return sum(pids.ours.map((pid) => processUsage(pid)));
      const mine = impl === 'raw' ? children.slice(0, 2) : children.slice(2, 4);
      return sum(await Promise.all(mine.map((c) => c.usage())));
    };
    const serverPid = cluster.nats.process.pid;
    for (const impl of impls) {
      progress(`warm-up ${impl}: ${WARMUP} requests at ${CONCURRENCY} in flight`);
      const warm = await runClosedLoop({ concurrency: CONCURRENCY, operations: WARMUP, op: ops[impl] });
      if (warm.errors > 0) throw new Error(`${impl} warm-up: ${warm.errors} errors; first: ${String(warm.firstError)}`);
    }
    const rounds = new Map<Impl, Round[]>(impls.map((i) => [i, []]));
    // With BENCH_AUTHZ_REPLICA_PROFILE_DIR, the replicas' profiles cover the first measured round of ours (replica-profile.ts).
    const profileSignal = async (): Promise<void> => {
      if (!process.env['BENCH_AUTHZ_REPLICA_PROFILE_DIR']) return;
      for (const pid of pids.ours) process.kill(pid, 'SIGWINCH');
      await new Promise((resolve) => setTimeout(resolve, 200));
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? impls : [...impls].reverse();
      for (const impl of order) {
        if (impl === 'ours' && round === 0) await profileSignal();
        const before = { client: ownUsage(), responders: await usageOf(impl), server: serverPid ? processUsage(serverPid) : undefined };
        const result = await runClosedLoop({ concurrency: CONCURRENCY, operations: REQUESTS, op: ops[impl] });
        const after = { client: ownUsage(), responders: await usageOf(impl), server: serverPid ? processUsage(serverPid) : undefined };
        if (impl === 'ours' && round === 0) await profileSignal();
        if (result.errors > 0) throw new Error(`${impl}: ${result.errors} of ${result.operations} requests failed; first: ${String(result.firstError)}`);
        rounds.get(impl)?.push({
          ...result,
          client: perOperation(before.client, after.client, result.operations),
          responders: perOperation(before.responders, after.responders, result.operations),
          server:
            before.server && after.server
              ? perOperation(before.server, after.server, result.operations)
              : { cpuUs: Number.NaN, systemCpuUs: Number.NaN, readCalls: Number.NaN, writeCalls: Number.NaN },
        });
        progress(
          `${impl} round ${round + 1}/${ROUNDS}: ${Math.round(result.throughput)} req/s, p50 ${round1(result.latency.percentile(50))} us, p99 ${round1(result.latency.percentile(99))} us`,
        );
      }
    }
    const results = impls.map((impl) => summarize(impl, rounds.get(impl) ?? []));
    const tp = (impl: Impl): number => results.find((r) => r.impl === impl)?.throughput ?? Number.NaN;
    const ratio = Math.round((tp('ours') / tp('raw')) * 1000) / 1000;

    progress(`visibility: ${GRANTS} grants, each polled on the other replica`);
    const visible = await visibility(
      cluster,
      org.byType.project.map((p) => ({ scopeType: 'project' as const, scopeId: p.scopeId })),
      new Rng(13),
      prefix,
    );

    const requirements = [
      {
        requirement: 'check throughput at 64 in flight, ours / raw nats.js echo',
        value: ratio,
        threshold: `>= ${REQUIRED_RATIO}`,
        pass: ratio >= REQUIRED_RATIO,
      },
      {
        requirement: 'grant visible to a check answered by the other replica, p99 ms (from the create reply)',
        value: visible.from_create_reply.p99_ms,
        threshold: `<= ${REQUIRED_VISIBILITY_P99_MS}`,
        pass: visible.timeouts === 0 && visible.from_create_reply.p99_ms <= REQUIRED_VISIBILITY_P99_MS,
      },
    ];
    return {
      benchmark: 'authz-nats',
      node: process.version,
      nats: natsVersions(conn),
      machine: machine(),
      setup: {
        server: `nats-server started by the benchmark (always its own: the replicas' streams and durable consumers must not meet another run's) ${cluster.nats.url}`,
        mongo: `${mongo.origin}, database ${cluster.db}`,
        replicas: `2 authz processes (services/authz/src/main.ts via scripts/ts-register.js, LOG_LEVEL=info, no OpenTelemetry exporter), pids ${pids.ours.join(', ')}`,
        org: `1 tenant, ${SMALL_ORG.clusters} clusters, ${SMALL_ORG.departments} departments, ${SMALL_ORG.projects} projects (org events on the platform stream)`,
        rules: `${published.published} rules published as ${AuthzEvents.accessRuleCreated.type} events (applied by both replicas, not written to MongoDB), then ${seeded.created} created through ${AuthzRpc.batchCreateAccessRules.subject} as ${BENCH_ROOT.subjectId} (AUTHZ_BOOTSTRAP_ADMINS); subjects among ${SEED.users} users and ${SEED.groups} groups (30% groups), scopes weighted toward projects and departments`,
        checks: `${bodies.length} different check requests cycled (random user with 0..5 groups, action, resource type, scope mostly projects), request JSON ${Math.min(...requestBytes)}..${Math.max(...requestBytes)} bytes`,
        connection: connectionSetup(),
        raw: 'client: JSON.stringify + nc.request + JSON.parse of the same check bodies; responders: 2 child processes (harness rpc-responder raw: queue subscription answering m.respond(m.data)), as many as authz replicas',
        ours: `client: RpcClient.call(AuthzRpc.check) as service-account ${BENCH_SERVICE.subjectId} (request and reply validated); responders: the 2 authz replicas (queue group), each answering with the decision and its explanation (${decisionReply.length} bytes for the first body)`,
        'raw-decision-reply':
          'diagnostic, not part of the ratio: like raw, but 2 raw responders answer with the bytes of a real authz reply (the same reply size as ours)',
        method: `closed loop, ${CONCURRENCY} in flight; warm-up ${WARMUP} per implementation, then ${ROUNDS} rounds of ${REQUESTS} alternating the order; throughput = median of rounds; latency over all rounds; CPU per request of this client, of the responder processes (summed) and of nats-server`,
        visibility: `${GRANTS} grants (${AuthzRpc.createAccessRule.subject}, a fresh user each, Data volume administrator in a random project), each followed at once by ${POLLERS} checks in flight without atLeast, as the user itself, until a check answered by the replica that did not write (dv-responder header) says allowed; answers of the writer are discarded; timeout ${VISIBILITY_TIMEOUT_MS} ms`,
      },
      seeding: {
        published_events: published.published,
        publish_seconds: round1(published.seconds),
        batch_created: seeded.created,
        batch_duplicates: seeded.conflicts,
        batch_seconds: round1(seeded.seconds),
        batch_rules_per_s: round1(seeded.created / seeded.seconds),
      },
      results,
      ratio,
      visibility: visible,
      required: { ratio: REQUIRED_RATIO, visibility_p99_ms: REQUIRED_VISIBILITY_P99_MS },
      requirements,
      pass: requirements.every((r) => r.pass),
    };
  } finally {
    if (client) await drainNats(client);
    if (rawClient) await drainNats(rawClient);
    for (const child of children) await child.stop();
    await cluster.stop().catch((error: unknown) => progress(`stopping the replicas: ${String(error)}`));
    await mongo.stop();
  }
}

benchMain(run);

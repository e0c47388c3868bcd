import { AuditRpc, AuthzRpc, ERROR_CODES, HEADERS, type IdentityInput, type RpcDefinition, STREAMS, VolumeRpc } from '@dv/contracts';
import { HARNESS_ROOT, KubePlatformHarness, waitFor } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { type MalformedCase, contractAccepts, malformedCases, rpcContracts, sample } from './malformed-bodies';

/**
 * The fault suite's malformed-input tier: every request subject of the contracts, every service a
 * real process, malformed bodies generated from each subject's zod schema, sent with a valid
 * identity (a Viewer of the whole system: reads get past authorization, no write can succeed). Each answers a
 * typed error (never INTERNAL, never silence), nothing changes, nothing is dead-lettered, every
 * process lives on, and the audit log holds exactly one record per request to an audited subject,
 * its chain verifying. The webhook gets malformed AdmissionReviews: a clean 4xx or a denial.
 * FAULTS_SCALE (default 1) multiplies the randomized cases for a longer run.
 */
const SCALE = Math.max(1, Number(process.env['FAULTS_SCALE'] ?? '1') || 1);
const h = new KubePlatformHarness();
const MALLORY: IdentityInput = { subjectId: 'mallory', subjectType: 'user' };
const VIEWER = 7;
const CONCURRENCY = 8;
const FAR_PAST = '2000-01-01T00:00:00.000Z';
const FAR_FUTURE = '2100-01-01T00:00:00.000Z';
/** Events a refused request may leave: refusals and denials, nothing else. */
const REFUSAL_EVENT = /\.(refused|denied)\.v\d+$/;

interface Answer {
  readonly c: MalformedCase;
  readonly requestId: string;
  readonly reply: { ok: boolean; error?: { code: string; message: string } } | undefined;
  readonly problem?: string;
}

beforeAll(async () => {
  await h.startPlatform({ webhook: true, alsoRun: [{ name: 'audit' }] });
  await h.grant('user', MALLORY.subjectId, VIEWER, 'system', 'system');
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

/** Stored event counts per subject of DV_EVENTS. */
async function eventCounts(): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(h.nc);
  const info = await jsm.streams.info(STREAMS.domain.name, { subjects_filter: '>' });
  return { ...(info.state.subjects ?? {}) };
}

/** What a caller could see changed: volumes, access rules (deleted ones included). */
async function state(): Promise<unknown> {
  const volumes = await h.client.call(VolumeRpc.list, { limit: 500 }, { identity: HARNESS_ROOT });
  const rules = await h.client.call(AuthzRpc.listAccessRules, { limit: 500, includeDeleted: true }, { identity: HARNESS_ROOT });
  return { volumes: volumes.datavolumes, rules: rules.accessRules.map((r) => ({ ...r })) };
}

async function send(c: MalformedCase): Promise<Answer> {
  const requestId = randomUUID();
  const hdrs = natsHeaders();
  hdrs.set(HEADERS.identity, JSON.stringify(MALLORY));
  hdrs.set(HEADERS.requestId, requestId);
  try {
    const msg = await h.nc.request(c.subject, c.body, { timeout: 20_000, headers: hdrs });
    const text = new TextDecoder().decode(msg.data);
    try {
      return { c, requestId, reply: JSON.parse(text) as Answer['reply'] };
    } catch {
      return { c, requestId, reply: undefined, problem: `the answer is not JSON: ${text.slice(0, 200)}` };
    }
  } catch (error) {
    return { c, requestId, reply: undefined, problem: `no answer: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function sendAll(cases: readonly MalformedCase[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++] as MalformedCase;
        answers.push(await send(c));
      }
    }),
  );
  return answers;
}

/** Every audit record since the start, by request id. */
async function auditedRequestIds(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let offset = 0; ; offset += 500) {
    const page = await h.client.call(AuditRpc.query, { from: FAR_PAST, to: FAR_FUTURE, limit: 500, offset, sortBy: 'seq' }, { identity: HARNESS_ROOT });
    for (const r of page.records) if (r.requestId !== undefined) counts.set(r.requestId, (counts.get(r.requestId) ?? 0) + 1);
    if (page.records.length < 500) return counts;
  }
}

/** Waits until the audit service has handled every event on both streams. */
async function auditCaughtUp(): Promise<void> {
  const jsm = await jetstreamManager(h.nc);
  await waitFor(
    async () => {
      for (const stream of [STREAMS.domain.name, STREAMS.platform.name]) {
        const info = await jsm.consumers.info(stream, 'audit');
        if (info.num_pending > 0 || info.num_ack_pending > 0) return undefined;
      }
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'the audit service to record every event' },
  );
}

function alive(): string[] {
  const dead: string[] = [];
  for (const [name, procs] of h.processes) for (const p of procs) if (p.child.exitCode !== null || p.child.signalCode !== null) dead.push(name);
  return dead;
}

describe('malformed input on every request subject (services as processes)', () => {
  it('answers every malformed body with a typed error, changes nothing, dead-letters nothing and audits every request to an audited subject once', async () => {
    const defs: RpcDefinition[] = rpcContracts();
    // The contracts hold every subject a service answers: at least those of the five services.
    expect(defs.map((d) => d.subject)).toEqual(
      expect.arrayContaining([VolumeRpc.create.subject, AuthzRpc.check.subject, AuditRpc.verify.subject, 'dv.workload-admission.review', 'dv.sharing.update']),
    );
    const cases = defs.flatMap((def) => malformedCases(def, { subjectId: MALLORY.subjectId, subjectType: MALLORY.subjectType }, SCALE));
    const bySubject = new Map(defs.map((d) => [d.subject, d]));
    await auditCaughtUp();
    const before = await state();
    const eventsBefore = await eventCounts();

    const started = Date.now();
    const answers = await sendAll(cases);
    const elapsed = Date.now() - started;

    const faults: string[] = [];
    for (const a of answers) {
      const def = bySubject.get(a.c.subject) as RpcDefinition;
      const label = `${a.c.subject} [${a.c.what}]`;
      if (a.problem) faults.push(`${label}: ${a.problem}`);
      else if (a.reply?.ok === true) {
        if (!contractAccepts(def, a.c.body)) faults.push(`${label}: answered ok`);
      } else {
        const code = a.reply?.error?.code ?? '(none)';
        // UNAVAILABLE is a fault too: something did not answer (or a revision from the future was waited for).
        if (!(ERROR_CODES as readonly string[]).includes(code) || code === 'INTERNAL' || code === 'UNAVAILABLE')
          faults.push(`${label}: ${code} ${a.reply?.error?.message ?? ''}`.slice(0, 400));
      }
    }
    expect(faults).toEqual([]);
    expect(alive()).toEqual([]);

    // Nothing changed, and the only events are refusals and denials.
    expect(await state()).toEqual(before);
    const eventsAfter = await eventCounts();
    const newEvents = Object.entries(eventsAfter).filter(([subject, n]) => n > (eventsBefore[subject] ?? 0) && !REFUSAL_EVENT.test(subject));
    expect(newEvents).toEqual([]);

    // No dead letters, and exactly one audit record per request to an audited subject.
    await auditCaughtUp();
    const jsm = await jetstreamManager(h.nc);
    expect((await jsm.streams.info(STREAMS.deadLetter.name)).state.messages).toBe(0);
    const recorded = await auditedRequestIds();
    const audited = answers.filter((a) => bySubject.get(a.c.subject)?.audit !== undefined);
    const wrongCount = audited
      .filter((a) => recorded.get(a.requestId) !== 1)
      .map((a) => `${a.c.subject} [${a.c.what}]: ${recorded.get(a.requestId) ?? 0} records (${a.reply?.error?.code ?? 'ok'})`);
    expect(wrongCount).toEqual([]);
    const notAudited = answers.filter((a) => bySubject.get(a.c.subject)?.audit === undefined && recorded.has(a.requestId));
    expect(notAudited.map((a) => a.c.subject)).toEqual([]);
    const verify = await h.client.call(AuditRpc.verify, {}, { identity: HARNESS_ROOT });
    expect(verify).toMatchObject({ ok: true });
    expect(verify.firstBad).toBeUndefined();

    process.stdout.write(
      `${JSON.stringify({ tier: 'malformed-input', scale: SCALE, subjects: defs.length, wellFormedBases: defs.filter((d) => d.request.safeParse(sample(d.request, { subjectId: MALLORY.subjectId, subjectType: MALLORY.subjectType })).success).length, audited: defs.filter((d) => d.audit).length, requests: answers.length, elapsedMs: elapsed, auditRecordsChecked: audited.length })}\n`,
    );
  }, 600_000);

  it('answers malformed AdmissionReviews at the webhook with a clean 4xx or a denial, never a 5xx', async () => {
    const review = (request: unknown): string => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request });
    const uid = (): string => randomUUID();
    const podObject = (annotations: unknown): unknown => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: h.namespaceOf('p1'), annotations },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    const goodRequest = (object: unknown): Record<string, unknown> => ({
      uid: uid(),
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: h.namespaceOf('p1'),
      operation: 'CREATE',
      userInfo: { username: 'mallory' },
      object,
    });
    // Built as text: JSON.stringify itself cannot write a value nested this deep.
    const deepObject = `${'{"d":'.repeat(5000)}"bottom"${'}'.repeat(5000)}`;
    const bodies: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['not JSON', Buffer.from('{"apiVersion":')],
      ['wrong types', Buffer.from(review(42))],
      ['request fields of wrong types', Buffer.from(review({ uid: 7, kind: 'Pod', operation: ['CREATE'], userInfo: 'mallory' }))],
      ['deeply nested object', Buffer.from(review(goodRequest('DEEP')).replace('"DEEP"', deepObject))],
      ['deeply nested body', Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`)],
      ['huge (over the limit)', Buffer.from(review(goodRequest({ ...(podObject({}) as object), pad: 'x'.repeat(8 * 1024 * 1024) })))],
      ['lone surrogate annotation', Buffer.from(review(goodRequest(podObject({ 'dv.platform/data-volumes': '[{"id":"\ud800","mountPath":"/d"}]' }))))],
      ['lone surrogate user', Buffer.from(review({ ...goodRequest(podObject({ 'dv.platform/data-volumes': '[]' })), userInfo: { username: 'm\udc00' } }))],
      ['__proto__ in the object', Buffer.from(review(goodRequest(podObject({}))).replace('"annotations":{}', '"annotations":{"__proto__":{"polluted":"1"}}'))],
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from(review(goodRequest(podObject({ a: 'MARK' }))).split('MARK')[0] ?? ''),
          Buffer.from([0xff, 0xc3, 0x28]),
          Buffer.from('"}}}}'),
        ]),
      ],
      ['annotation holding deep JSON', Buffer.from(review(goodRequest(podObject({ 'dv.platform/data-volumes': `${'['.repeat(5000)}${']'.repeat(5000)}` }))))],
    ];
    // Past the webhook's authentication: a well-formed review that asks for nothing is allowed.
    const wellFormed = await postWebhook(Buffer.from(review(goodRequest(podObject({})))));
    expect(wellFormed.status).toBe(200);
    expect(JSON.parse(wellFormed.body)).toMatchObject({ response: { allowed: true } });
    const faults: string[] = [];
    for (const [what, body] of bodies) {
      const answer = await postWebhook(body).catch((error: unknown) => ({ status: 0, body: String(error) }));
      if (answer.status === 200) {
        const parsed = JSON.parse(answer.body) as { response?: { allowed?: boolean; status?: { code?: number } } };
        if (parsed.response?.allowed !== false) faults.push(`${what}: 200 and not a denial: ${answer.body.slice(0, 300)}`);
        else if ((parsed.response.status?.code ?? 0) >= 500)
          faults.push(`${what}: a denial with status ${parsed.response.status?.code}: ${answer.body.slice(0, 300)}`);
      } else if (answer.status < 400 || answer.status >= 500) faults.push(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
    }
    expect(faults).toEqual([]);
    expect(alive()).toEqual([]);
  }, 120_000);
});

function postWebhook(body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      // As the API server (the webhook answers only its client certificate): the bodies are what is malformed.
      {
        host: '127.0.0.1',
        port: h.webhookPort,
        path: '/mutate',
        method: 'POST',
        ca: h.webhookCaPem,
        cert: h.apiServerClient.cert,
        key: h.apiServerClient.key,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

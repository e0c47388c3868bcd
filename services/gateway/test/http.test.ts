import { type EventEnvelope, STREAMS } from '@dv/contracts';
import { type DevIdentityProvider, PlatformHarness, type ServiceProcess, startDevIdentityProvider, waitFor } from '@dv/testing';
import { jetstream } from '@nats-io/jetstream';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIENCE, userToken } from './oidc-client';

/**
 * The gateway's HTTP as operators expect it (issue 14, item 5), against real servers: the identity
 * provider (Hydra and the dev login app), nats-server with the platform's users, authz and volume as
 * processes, and two gateways as processes: `open` with its defaults plus a console origin and HSTS,
 * `tight` with a small rate limit and short timeouts.
 */
const h = new PlatformHarness();
let idp: DevIdentityProvider;
let dir: string;
let alice: string;
let dana: string;
const CONSOLE = 'https://console.example.com';
const gateways: Record<'open' | 'tight', { proc: ServiceProcess; url: string }> = {} as never;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function http(
  url: string,
  method: string,
  path: string,
  options: { token?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? null : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}

async function startGateway(env: Record<string, string>): Promise<{ proc: ServiceProcess; url: string }> {
  const proc = await h.addReplica({ name: 'gateway', env: { GATEWAY_PORT: '0', GATEWAY_OIDC_ISSUER: idp.issuer, GATEWAY_OIDC_AUDIENCE: AUDIENCE, ...env } });
  const port = /"msg":"service ready".*?"httpPort":(\d+)/.exec(proc.output())?.[1];
  if (port === undefined) throw new Error(`the gateway did not log its HTTP port:\n${proc.output().slice(-2000)}`);
  return { proc, url: `http://127.0.0.1:${port}` };
}

/** The gateway's JSON log lines whose msg is `request` (the access log). */
function accessLog(proc: ServiceProcess): Record<string, unknown>[] {
  return proc
    .output()
    .split('\n')
    .filter((l) => l.includes('"msg":"request"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const traceId = (): string => randomBytes(16).toString('hex');
const volumePath = (): string => `/api/v1/datavolumes/${randomUUID()}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-gateway-http-'));
  idp = await startDevIdentityProvider({ dir });
  await h.start([{ name: 'volume', env: { VOLUME_USAGE_CHECK: 'off' } }]);
  gateways.open = await startGateway({ GATEWAY_CORS_ORIGINS: `${CONSOLE},http://127.0.0.1:3000`, GATEWAY_HSTS_MAX_AGE_S: '31536000' });
  gateways.tight = await startGateway({
    GATEWAY_RATE_LIMIT_PER_S: '2',
    GATEWAY_RATE_LIMIT_BURST: '3',
    GATEWAY_NATS_TIMEOUT_MS: '1000',
    GATEWAY_REQUEST_TIMEOUT_MS: '1500',
  });
  alice = await userToken(idp, 'alice@acme.example');
  dana = await userToken(idp, 'dana@acme.example');
}, 30 * 60_000); // the first run on a machine builds Hydra

afterAll(async () => {
  await h.stop();
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('security headers', () => {
  it('are on every answer (a service 404, a 401, an unknown route): nosniff, no framing, no referrer, the API CSP, no-store, HSTS when configured', async () => {
    const answers = [
      await http(gateways.open.url, 'GET', volumePath(), { token: alice }),
      await http(gateways.open.url, 'GET', volumePath()),
      await http(gateways.open.url, 'GET', '/nope'),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 401, 404]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    }
    // Without GATEWAY_HSTS_MAX_AGE_S (plain HTTP, no TLS in front) no HSTS.
    expect((await http(gateways.tight.url, 'GET', volumePath())).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('CORS for the console', () => {
  it('answers a preflight from an allowed origin without a token (204, methods, headers, max-age), and one from another origin without allowing it', async () => {
    const preflight = (origin: string) =>
      http(gateways.open.url, 'OPTIONS', '/api/v1/datavolumes', {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
    const allowed = await preflight(CONSOLE);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('vary')).toContain('Origin');

    const other = await preflight('https://evil.example');
    expect(other.status).toBe(204);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-methods')).toBeNull();
    // A gateway without GATEWAY_CORS_ORIGINS allows no origin.
    expect(
      (await http(gateways.tight.url, 'OPTIONS', '/api/v1/datavolumes', { headers: { origin: CONSOLE, 'access-control-request-method': 'GET' } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
  });

  it('lets the console read every answer of an allowed origin (401 included) and the headers it needs; another origin gets no CORS header', async () => {
    const ok = await http(gateways.open.url, 'GET', volumePath(), { token: alice, headers: { origin: CONSOLE } });
    const unauthenticated = await http(gateways.open.url, 'GET', volumePath(), { headers: { origin: CONSOLE } });
    for (const answer of [ok, unauthenticated]) {
      expect(answer.headers.get('access-control-allow-origin')).toBe(CONSOLE);
      expect(answer.headers.get('access-control-expose-headers')).toContain('x-request-id');
      expect(answer.headers.get('access-control-expose-headers')).toContain('traceparent');
    }
    expect(unauthenticated.status).toBe(401);
    const other = await http(gateways.open.url, 'GET', volumePath(), { token: alice, headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('W3C trace context and the access log', () => {
  it("continues the caller's traceparent and answers with the gateway's own span in it; starts a trace when none is sent", async () => {
    const trace = traceId();
    const answer = await http(gateways.open.url, 'GET', volumePath(), { token: alice, headers: { traceparent: `00-${trace}-${'1'.repeat(16)}-01` } });
    const [version, answeredTrace, span] = (answer.headers.get('traceparent') ?? '').split('-');
    expect({ version, answeredTrace }).toEqual({ version: '00', answeredTrace: trace });
    expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(span).not.toBe('1'.repeat(16));

    const fresh = await http(gateways.open.url, 'GET', volumePath(), { token: alice });
    expect(fresh.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(fresh.headers.get('traceparent')).not.toContain(trace);
    // A malformed traceparent is not continued (a new trace).
    const bad = await http(gateways.open.url, 'GET', volumePath(), { token: alice, headers: { traceparent: 'not-a-trace' } });
    expect(bad.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('carries the trace onward over NATS: the refusal the volume service records for the call has the same trace id', async () => {
    const trace = traceId();
    const answer = await http(gateways.open.url, 'POST', '/api/v1/datavolumes', {
      token: alice,
      headers: { traceparent: `00-${trace}-${'2'.repeat(16)}-01` },
      body: { name: `traced-${randomBytes(3).toString('hex')}`, projectId: 'p1', originPvcName: 'data' },
    });
    expect(answer.status).toBe(403);
    const requestId = answer.headers.get('x-request-id');
    const refusal = await waitFor(
      async () => {
        const consumer = await jetstream(h.nc).consumers.get(STREAMS.domain.name, { filter_subjects: 'dv.evt.volume.refused.v1' });
        const pending = (await consumer.info()).num_pending;
        if (pending === 0) return undefined;
        let seen = 0;
        let found: EventEnvelope | undefined;
        for await (const m of await consumer.fetch({ max_messages: pending, expires: 5000 })) {
          const envelope = m.json<EventEnvelope>();
          if (envelope.requestid === requestId) found = envelope;
          if (++seen >= pending) break;
        }
        return found;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: "the volume service's refusal of the traced call" },
    );
    expect(refusal.traceparent?.split('-')[1]).toBe(trace);
  });

  it('writes one JSON line per request: method, route, path without the query, status, duration, caller, request and trace ids; never the token or query values', async () => {
    const trace = traceId();
    const answer = await http(gateways.open.url, 'GET', '/api/v1/datavolumes?requestType=Originated&search=hunter2-secret', {
      token: alice,
      headers: { traceparent: `00-${trace}-${'3'.repeat(16)}-01`, 'x-request-id': `access-log-${trace}` },
    });
    expect(answer.status).toBe(200);
    const line = await waitFor(async () => accessLog(gateways.open.proc).find((l) => l['requestId'] === `access-log-${trace}`), {
      timeoutMs: 5_000,
      intervalMs: 50,
      what: 'the access log line',
    });
    expect(line).toMatchObject({
      level: 'info',
      service: 'gateway',
      context: 'access',
      msg: 'request',
      method: 'GET',
      route: '/api/v1/datavolumes',
      path: '/api/v1/datavolumes',
      status: 200,
      subject: 'alice@acme.example',
      subjectType: 'user',
      traceId: trace,
      ip: '127.0.0.1',
    });
    expect(typeof line['durationMs']).toBe('number');
    const written = gateways.open.proc.output();
    expect(written).not.toContain('hunter2-secret');
    expect(written).not.toContain(alice);
    // A refused token is logged too, without a subject.
    await http(gateways.open.url, 'GET', volumePath(), { token: 'forged', headers: { 'x-request-id': `refused-${trace}` } });
    const refused = await waitFor(async () => accessLog(gateways.open.proc).find((l) => l['requestId'] === `refused-${trace}`), {
      timeoutMs: 5_000,
      intervalMs: 50,
      what: 'the access log line of the refused call',
    });
    expect(refused).toMatchObject({ status: 401, subject: null, route: '/api/v1/datavolumes/:id' });
  });
});

describe('rate limits (tight: 2 per second, bursts of 3)', () => {
  it("answers a caller over its limit 429 with Retry-After and the platform's error body, and only that caller", async () => {
    const statuses: number[] = [];
    let limited: Answer | undefined;
    for (let i = 0; i < 6 && limited === undefined; i++) {
      const answer = await http(gateways.tight.url, 'GET', volumePath(), { token: alice });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    // At least the burst passes (a refill between calls may let one more through).
    expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
    expect(limited).toBeDefined();
    expect(limited?.body).toEqual({ code: 429, message: 'Too many requests. Please try again later.', details: { retryAfterSeconds: 1 } });
    expect(limited?.headers.get('retry-after')).toBe('1');
    expect(limited?.headers.get('x-request-id')).toBeTruthy();
    // Another caller has a bucket of its own.
    expect((await http(gateways.tight.url, 'GET', volumePath(), { token: dana })).status).toBe(404);
    // After Retry-After, the caller is served again.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await http(gateways.tight.url, 'GET', volumePath(), { token: alice })).status).toBe(404);
  });

  it('limits by client IP before authentication: once the refused tokens of an IP use up its bucket, it is answered 429 without a check', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1600)); // the IP's bucket full again (unauthenticated calls above)
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await http(gateways.tight.url, 'GET', volumePath(), { token: `forged.${i}.token` })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    const limited = await http(gateways.tight.url, 'GET', volumePath(), { token: 'forged.again.token' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('www-authenticate')).toBeNull();
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1600));
  });
});

describe('timeouts', () => {
  it("answers a request still unanswered after GATEWAY_REQUEST_TIMEOUT_MS (here a body that never arrives) with the platform's 503", async () => {
    const { hostname, port } = new URL(gateways.tight.url);
    const started = Date.now();
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /api/v1/datavolumes HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${dana}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`,
        );
      });
      let data = '';
      socket.on('data', (d: Buffer) => {
        data += d.toString();
        if (/\r\n\r\n[\s\S]*\}$/.test(data)) socket.destroy();
      });
      const giveUp = setTimeout(() => socket.destroy(), 10_000);
      socket.on('close', () => {
        clearTimeout(giveUp);
        resolve(data);
      });
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 503 /);
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe(JSON.stringify({ code: 503, message: 'Please try again in few minutes.' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it("answers 503 with the platform's message when the service does not answer in time (stopped with SIGSTOP), and when no service is there at all", async () => {
    const volume = h.processes.get('volume')?.[0];
    if (volume === undefined) throw new Error('no volume process');
    volume.child.kill('SIGSTOP');
    try {
      const started = Date.now();
      const answer = await http(gateways.tight.url, 'GET', volumePath(), { token: dana });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 503, body: { code: 503, message: 'Please try again in few minutes.' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      volume.child.kill('SIGCONT');
    }
    await volume.stop();
    const answer = await http(gateways.open.url, 'GET', volumePath(), { token: dana });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 503, body: { code: 503, message: 'Please try again in few minutes.' } });
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  }, 60_000);
});

import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { DvError, HEADERS, RequestEvents, STREAMS } from '@dv/contracts';
import { type PublicRpcCallContext, type RpcCallContext, RpcClient, RpcHandler, connectNats, createNatsMicroservice, drainNats, ensureStreams } from '../src';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { testContracts, uniquePrefix, requireEnv } from './fixtures/test-contracts';

const contracts = testContracts(uniquePrefix());

function replicaModule(replica: string) {
  // The transport's own behaviour is tested without callers: these handlers are public, except whoami.
  const TRANSPORT_TEST = 'transport test: answered with or without a caller';
  @Controller()
  class MathController {
    @RpcHandler(contracts.add, { public: TRANSPORT_TEST })
    async add(req: { a: number; b: number }, ctx: PublicRpcCallContext) {
      return { sum: req.a + req.b, replica, caller: ctx.principal?.subjectId };
    }

    @RpcHandler(contracts.explode, { public: TRANSPORT_TEST })
    async explode(): Promise<Record<string, never>> {
      throw new Error('secret internal detail /srv/app/file.ts:12');
    }

    @RpcHandler(contracts.echo, { public: TRANSPORT_TEST })
    async echo(req: { value?: unknown }) {
      return { value: req.value };
    }

    @RpcHandler(contracts.audited, { public: TRANSPORT_TEST })
    async audited(req: { n: number }) {
      return { n: req.n };
    }

    @RpcHandler(contracts.refuse, { public: TRANSPORT_TEST })
    async refuse(): Promise<Record<string, never>> {
      throw DvError.forbidden('not yours', { rule: 'none' });
    }

    @RpcHandler(contracts.whoami)
    async whoami(_req: Record<string, never>, ctx: RpcCallContext) {
      return { principal: ctx.principal };
    }
  }
  @Module({ controllers: [MathController] })
  class MathModule {}
  return MathModule;
}

describe('RPC over the NATS transport (real nats-server)', () => {
  let serverConnections: NatsConnection[] = [];
  let apps: INestMicroservice[] = [];
  let clientConnection: NatsConnection;
  let client: RpcClient;

  beforeAll(async () => {
    // The bed's open nats-server (jest global setup says why): the transport's own tests serve subjects no platform client has.
    const url = requireEnv('NATS_URL');
    for (const replica of ['r1', 'r2']) {
      const nc = await connectNats({ url, name: `math-${replica}` });
      const app = await createNatsMicroservice(replicaModule(replica), { nc, service: 'math-test' });
      await app.listen();
      serverConnections.push(nc);
      apps.push(app);
    }
    clientConnection = await connectNats({ url, name: 'math-client' });
    await ensureStreams(clientConnection);
    client = new RpcClient(clientConnection, { timeoutMs: 2000 });
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const nc of serverConnections) await drainNats(nc);
    await drainNats(clientConnection);
    apps = [];
    serverConnections = [];
  });

  it('answers a typed round trip with the caller identity from the headers', async () => {
    const reply = await client.call(contracts.add, { a: 2, b: 40 }, { identity: { subjectId: 'alice', subjectType: 'user' } });
    expect(reply.sum).toBe(42);
    expect(reply.caller).toBe('alice');
    expect(['r1', 'r2']).toContain(reply.replica);
  });

  it('resolves the caller once, in the transport: no identity or a group is UNAUTHENTICATED before the handler, in one message shape', async () => {
    const alice = { subjectId: 'alice', subjectType: 'user' as const, groups: ['data-team'] };
    await expect(client.call(contracts.whoami, {}, { identity: alice })).resolves.toEqual({ principal: alice });
    await expect(client.call(contracts.whoami, {}, { identity: { subjectId: 'volume', subjectType: 'service-account' } })).resolves.toEqual({
      principal: { subjectId: 'volume', subjectType: 'service-account', groups: [] },
    });
    const missing = await client.sendRaw(contracts.whoami.subject, new TextEncoder().encode('{}'));
    expect(missing).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'this request needs the caller identity (dv-identity header)', details: { reason: 'no-identity' } },
    });
    const group = await client.call(contracts.whoami, {}, { identity: { subjectId: 'data-team', subjectType: 'group' } }).catch((e: unknown) => e);
    expect(group).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'a group cannot be a caller (dv-identity header): group data-team is a subject of access rules; its members call as themselves',
      details: { reason: 'group-caller' },
    });
    // The body is still checked first: a malformed request is VALIDATION_FAILED whoever sends it.
    await expect(client.sendRaw(contracts.whoami.subject, new TextEncoder().encode('{"x":1}'))).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    // A public handler answers without a caller, but a group is no caller there either.
    await expect(client.call(contracts.add, { a: 1, b: 1 }, { identity: { subjectId: 'data-team', subjectType: 'group' } })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('answers plain JSON that any NATS client can send', async () => {
    const raw = await client.sendRaw(contracts.add.subject, new TextEncoder().encode('{"a":1,"b":2}'));
    expect(raw).toEqual({ ok: true, data: { sum: 3, replica: expect.stringMatching(/^r[12]$/) } });
  });

  it('rejects a malformed body with VALIDATION_FAILED and keeps serving', async () => {
    const notJson = await client.sendRaw(contracts.add.subject, new TextEncoder().encode('{"a":'));
    expect(notJson).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'request body is not JSON' } });

    const wrongShape = await client.sendRaw(contracts.add.subject, new TextEncoder().encode('{"a":"one"}'));
    expect(wrongShape).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        details: { issues: expect.arrayContaining([expect.objectContaining({ path: 'a' }), expect.objectContaining({ path: 'b' })]) },
      },
    });

    await expect(client.call(contracts.add, { a: 1, b: 1 })).resolves.toMatchObject({ sum: 2 });
  });

  it('refuses what no request can mean with VALIDATION_FAILED naming the problem, never INTERNAL or silence', async () => {
    const send = (body: Uint8Array | string) => client.sendRaw(contracts.echo.subject, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    // Nested a few thousand levels: JSON.parse takes it, serializing it again overflowed the stack.
    const deep = `{"value":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    await expect(send(deep)).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('deeper than 64 levels'), details: { reason: 'too-deep' } },
    });
    // 64 levels in all are fine.
    await expect(send(`{"value":${'['.repeat(63)}${']'.repeat(63)}}`)).resolves.toMatchObject({ ok: true });
    await expect(send('{"value":"a\\ud800b"}')).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { reason: 'lone-surrogate', path: 'value' } },
    });
    await expect(send('{"value":{"\\udc00":1}}')).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { reason: 'lone-surrogate' } },
    });
    await expect(send('{"value":["\\u0000"]}')).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { reason: 'nul-character', path: 'value.0' } },
    });
    await expect(send('{"value":{"__proto__":{"admin":true}}}')).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { reason: 'proto-key', path: 'value' } },
    });
    await expect(send(new Uint8Array([0x7b, 0x22, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).resolves.toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'request body is not valid UTF-8' },
    });
    // A surrogate pair is well-formed, and a key named constructor is only a key.
    await expect(send('{"value":{"constructor":"\\ud83d\\ude00"}}')).resolves.toEqual({ ok: true, data: { value: { constructor: '\u{1F600}' } } });
  });

  it('publishes a request to an audited subject refused before its handler as RequestEvents.refused, with the caller and its request id', async () => {
    const h = natsHeaders();
    h.set(HEADERS.identity, JSON.stringify({ subjectId: 'mallory', subjectType: 'user' }));
    const requestId = randomUUID();
    h.set(HEADERS.requestId, requestId);
    const msg = await clientConnection.request(contracts.audited.subject, new TextEncoder().encode('{"n":"one"}'), { timeout: 2000, headers: h });
    expect(JSON.parse(new TextDecoder().decode(msg.data))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const jsm = await jetstreamManager(clientConnection);
    const stored = await jsm.streams.getMessage(STREAMS.domain.name, { last_by_subj: RequestEvents.refused.type });
    expect(stored?.json()).toMatchObject({
      type: RequestEvents.refused.type,
      subject: contracts.audited.subject,
      actorid: 'mallory',
      requestid: requestId,
      data: { operation: 'write', code: 'VALIDATION_FAILED', rpc: contracts.audited.subject, message: expect.stringContaining('n') },
    });

    // A malformed request id is refused under an id of ours, which the refusal event carries.
    h.set(HEADERS.requestId, 'x'.repeat(129));
    const second = JSON.parse(
      new TextDecoder().decode(
        (await clientConnection.request(contracts.audited.subject, new TextEncoder().encode('{"n":1}'), { timeout: 2000, headers: h })).data,
      ),
    ) as { error: { code: string; details: { requestId: string } } };
    expect(second.error.code).toBe('VALIDATION_FAILED');
    expect((await jsm.streams.getMessage(STREAMS.domain.name, { last_by_subj: RequestEvents.refused.type }))?.json()).toMatchObject({
      requestid: second.error.details.requestId,
    });
  });

  it('rejects a malformed identity header with VALIDATION_FAILED', async () => {
    const { headers } = await import('@nats-io/nats-core');
    const h = headers();
    h.set('dv-identity', '{"subjectId": "", "subjectType": "robot"}');
    const msg = await clientConnection.request(contracts.add.subject, new TextEncoder().encode('{"a":1,"b":2}'), { timeout: 2000, headers: h });
    expect(JSON.parse(new TextDecoder().decode(msg.data))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('refuses a bad request on the client side before sending it', async () => {
    // @ts-expect-error: the contract types the body; this one is wrong on purpose.
    await expect(client.call(contracts.add, { a: 'x', b: 1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('turns a throwing handler into INTERNAL with no stack or internal message', async () => {
    const raw = await client.sendRaw(contracts.explode.subject, new TextEncoder().encode('{}'));
    expect(raw).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const text = JSON.stringify(raw);
    expect(text).not.toContain('secret internal detail');
    expect(text).not.toMatch(/\.ts:\d+|\bat\s+\w+\s+\(/);
  });

  it('carries a DvError through with its own code, message and details', async () => {
    const reply = await client.request(contracts.refuse, {});
    expect(reply).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'not yours', details: { rule: 'none' } } });
  });

  it('answers UNAVAILABLE at once when nobody serves the subject', async () => {
    const started = Date.now();
    const error = await client.call({ ...contracts.add, subject: `${contracts.add.subject}.nobody` }, { a: 1, b: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DvError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'no-responders' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers UNAVAILABLE when the responder does not answer within the timeout', async () => {
    const silentSubject = `${contracts.add.subject}.silent`;
    const silent = clientConnection.subscribe(silentSubject, { callback: () => undefined });
    try {
      const error = await client.call({ ...contracts.add, subject: silentSubject }, { a: 1, b: 1 }, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'timeout', timeoutMs: 300 } });
    } finally {
      silent.unsubscribe();
    }
  });

  it('splits the load of one subject between two replicas', async () => {
    const replies = await Promise.all(Array.from({ length: 400 }, (_, i) => client.call(contracts.add, { a: i, b: 0 })));
    const counts = { r1: 0, r2: 0 };
    for (const reply of replies) counts[reply.replica as 'r1' | 'r2']++;
    expect(counts.r1 + counts.r2).toBe(400);
    expect(counts.r1).toBeGreaterThan(80);
    expect(counts.r2).toBeGreaterThan(80);
  });
});

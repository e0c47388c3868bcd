import { AuthzRpc, DvError, OrgEvents } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats } from '@dv/messaging';
import { type NatsConnection, PermissionViolationError } from '@nats-io/nats-core';
import { SecuredNats, publishOutcome, subscriptionOutcome } from './secured-nats';

const encoder = new TextEncoder();
const ACTOR = { id: 'platform-publisher', type: 'system' } as const;

describe('nats-server with the generated permissions: deny by default', () => {
  let secured: SecuredNats;
  let authz: NatsConnection;
  let publisher: NatsConnection;
  let operator: NatsConnection;

  beforeAll(async () => {
    secured = await SecuredNats.start();
    publisher = await secured.connectAs('platform-publisher');
    authz = await secured.connectAs('authz');
    operator = await secured.connectAs('operator');
  }, 60_000);

  afterAll(async () => {
    await secured?.stop();
  });

  it('refuses a connection without credentials, with a wrong password, or as a client that has no user yet', async () => {
    await expect(connectNats({ url: secured.url, name: 'anonymous' })).rejects.toThrow(/Authorization Violation/i);
    await expect(connectNats({ url: secured.url, name: 'liar', user: 'authz', pass: 'pNotThePassword1' })).rejects.toThrow(/Authorization Violation/i);
    await expect(connectNats({ url: secured.url, name: 'volume', user: 'volume', pass: secured.password('authz') })).rejects.toThrow(
      /Authorization Violation/i,
    );
  });

  it('keeps authz to its own subjects: no other service subjects, no platform events, no foreign consumers (b)', async () => {
    for (const subject of ['dv.volume.>', 'dv.volume.create', '>', 'dv.>', 'dv.evt.>', 'platform.evt.>', '_INBOX_operator.>']) {
      expect([subject, await subscriptionOutcome(authz, subject)]).toEqual([subject, expect.any(PermissionViolationError)]);
    }
    // It serves its subjects in its own queue group only: no eavesdropping outside the group.
    expect(await subscriptionOutcome(authz, AuthzRpc.check.subject, 'authz')).toBe('open');
    expect(await subscriptionOutcome(authz, AuthzRpc.check.subject)).toBeInstanceOf(PermissionViolationError);
    expect(await subscriptionOutcome(authz, AuthzRpc.check.subject, 'intruder')).toBeInstanceOf(PermissionViolationError);

    await expect(new EventPublisher(authz, 'dv/authz').publish(OrgEvents.tenant.created, { tenantId: 'evil', name: 'Evil' }, { actor: ACTOR })).rejects.toThrow(
      /Permissions Violation for Publish to "platform.evt.tenant.created.v1"/,
    );
    for (const subject of [
      AuthzRpc.check.subject, // it answers, it does not call
      'dv.volume.create',
      'dv.evt.volume.created.v1',
      '$JS.API.STREAM.DELETE.DV_EVENTS',
      '$JS.API.STREAM.PURGE.PLATFORM_EVENTS',
      '$JS.API.CONSUMER.MSG.NEXT.PLATFORM_EVENTS.volume', // another service's durable
      '$JS.API.CONSUMER.CREATE.PLATFORM_EVENTS.audit',
      '$JS.API.CONSUMER.CREATE.PLATFORM_EVENTS', // the unnamed create would update any durable
      '$JS.API.CONSUMER.DELETE.PLATFORM_EVENTS.authz', // nor its own durable
      '$JS.ACK.PLATFORM_EVENTS.volume.1.1.1.1.0',
    ]) {
      expect([subject, await publishOutcome(authz, subject)]).toEqual([subject, 'denied']);
    }
  });

  it('lets the platform publisher publish platform events and nothing else: no RPCs, no our events (c)', async () => {
    const { seq } = await new EventPublisher(publisher, 'dv/platform-test').publish(
      OrgEvents.tenant.created,
      { tenantId: 't1', name: 'Tenant one' },
      { actor: ACTOR, subject: 't1' },
    );
    expect(seq).toBeGreaterThan(0);

    const client = new RpcClient(publisher, { timeoutMs: 3000 });
    const call = client.call(
      AuthzRpc.createAccessRule,
      { subjectType: 'user', subjectId: 'mallory', roleId: 1, scopeType: 'system', scopeId: 'system' },
      { identity: { subjectId: 'mallory', subjectType: 'user' } },
    );
    await expect(call).rejects.toThrow(DvError);
    await expect(call).rejects.toThrow(/Permissions Violation for Publish to "dv.authz.access-rules.create"/);

    for (const subject of ['dv.evt.access-rule.created.v1', 'platform.evt.made-up.v1', AuthzRpc.check.subject, '$JS.API.STREAM.DELETE.PLATFORM_EVENTS']) {
      expect([subject, await publishOutcome(publisher, subject)]).toEqual([subject, 'denied']);
    }
    expect(await subscriptionOutcome(publisher, 'platform.evt.>')).toBeInstanceOf(PermissionViolationError);
  });

  it('lets no client read the replies of another: each has its own inbox prefix (d)', async () => {
    let answered = 0;
    const responder = authz.subscribe(AuthzRpc.check.subject, {
      queue: 'authz',
      callback: (_err, msg) => {
        answered++;
        msg.respond(encoder.encode('first'));
        msg.respond(encoder.encode('second')); // one response per request: the server drops this one
      },
    });
    await authz.flush();
    try {
      const reply = await operator.request(AuthzRpc.check.subject, encoder.encode('{}'), { timeout: 3000 });
      expect(reply.subject.startsWith('_INBOX_operator.')).toBe(true);
      expect(reply.string()).toBe('first');
      expect(answered).toBe(1);

      // Nobody else may listen where the operator's replies arrive, nor on the shared default prefix.
      expect(await subscriptionOutcome(publisher, '_INBOX_operator.>')).toBeInstanceOf(PermissionViolationError);
      expect(await subscriptionOutcome(authz, '_INBOX_operator.>')).toBeInstanceOf(PermissionViolationError);
      expect(await subscriptionOutcome(operator, '_INBOX_authz.>')).toBeInstanceOf(PermissionViolationError);
      expect(await subscriptionOutcome(operator, '_INBOX.>')).toBeInstanceOf(PermissionViolationError);
      // A responder answers a request it received, and cannot write into an inbox uninvited.
      expect(await publishOutcome(authz, '_INBOX_operator.forged.1')).toBe('denied');
      await authz.flush();
      const authzViolations = secured.violations().filter((line) => line.includes('user:authz'));
      expect(authzViolations.some((line) => line.includes(`Publish Violation - Subject "${reply.subject}"`))).toBe(true);

      // A client on the shared default prefix cannot even receive its own replies.
      const careless = await secured.connectAs('operator', { inboxPrefix: '_INBOX' });
      await expect(new RpcClient(careless, { timeoutMs: 3000 }).sendRaw(AuthzRpc.check.subject, encoder.encode('{}'))).rejects.toThrow(
        /Permissions Violation for Subscription to "_INBOX\./,
      );
    } finally {
      responder.unsubscribe();
    }
  });
});

import { AUDIT_RECORD_SUBJECT, AUDIT_STREAM, AuditRpc, HEADERS, type IdentityInput, OrgEvents, STREAMS, VolumeEvents, auditRecordSchema } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type ServiceProcess, httpRequest, waitFor, publishedVolume } from '@dv/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, PermissionViolationError } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { SecuredNats, publishOutcome, subscriptionOutcome } from './secured-nats';

const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const FAR_PAST = '2000-01-01T00:00:00Z';
const FAR_FUTURE = '2100-01-01T00:00:00Z';

/**
 * The real audit service as the `audit` user (beside authz as `authz`, which it asks for every
 * read): its durable consumers on both streams, dead letters, the relay to DV_AUDIT, the start-up
 * check of DV_AUDIT's last record and verify against it all fit in the generated permissions. An
 * outside consumer reads the sealed records as `audit-reader`, and can do nothing else.
 */
describe('audit under the generated NATS permissions (real nats-server, real service processes)', () => {
  let secured: SecuredNats;
  let operator: NatsConnection;
  let client: RpcClient;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    secured = await SecuredNats.start();
    const platformConnection = await secured.connectAs('platform-publisher');
    await new EventPublisher(platformConnection, 'dv/platform-test').publish(
      OrgEvents.tenant.created,
      { tenantId: 't1', name: 'T' },
      { actor: { id: 'platform-publisher', type: 'system' } },
    );
    const suffix = randomUUID().slice(0, 8);
    services.push(await secured.startService('authz', suffix));
    services.push(await secured.startService('audit', suffix));
    operator = await secured.connectAs('operator');
    client = new RpcClient(operator, { timeoutMs: 30_000 });
  }, 150_000);

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    await secured?.stop();
  });

  it('becomes ready, records and dead-letters events, relays to DV_AUDIT, answers and verifies against it, and violates nothing', async () => {
    const audit = services[1];
    if (!audit) throw new Error('audit did not start');
    const ready = await httpRequest(`http://127.0.0.1:${audit.healthPort}/readyz`);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', checks: { chain: 'ok', following: 'ok' } });

    const volumeConnection = await secured.connectAs('volume');
    const volumeId = randomUUID();
    await new EventPublisher(volumeConnection, 'dv/volume').publish(
      VolumeEvents.created,
      {
        volume: publishedVolume('p1', 'Creating', 1, { id: volumeId, name: 'coco', originPvcName: 'coco' }),
      },
      { actor: { id: 'root', type: 'user' }, subject: volumeId, scope: { scopeType: 'project', scopeId: 'p1' } },
    );
    // Not JSON: dead-lettered by the audit service (dv.dlq.audit.>), the stream keeps flowing.
    await jetstream(volumeConnection).publish(VolumeEvents.created.type, new TextEncoder().encode('not json {'), { msgID: randomUUID() });

    const byVolume = async () =>
      (await client.call(AuditRpc.query, { from: FAR_PAST, to: FAR_FUTURE, filterBy: [`relatedIds==${volumeId}`] }, { identity: ROOT })).records;
    await waitFor(async () => (await byVolume()).length === 1, { timeoutMs: 30_000, what: 'the volume event recorded' });
    expect((await byVolume())[0]).toMatchObject({ action: 'create', entityType: 'volume', entityId: volumeId, entityName: 'coco', clusterId: 'c1' });
    const jsm = await jetstreamManager(operator);
    await waitFor(async () => (await jsm.streams.info(STREAMS.deadLetter.name)).state.messages >= 1, { timeoutMs: 10_000, what: 'a dead letter' });
    expect((await jsm.streams.getMessage(STREAMS.deadLetter.name, { seq: 1 }))?.header.get(HEADERS.deadLetterReason)).toBe('event is not JSON');

    // Every record (authz's bootstrap rule, the tenant, the volume) sealed on DV_AUDIT; verify holds the chain to it.
    const total = (await client.call(AuditRpc.query, { from: FAR_PAST, to: FAR_FUTURE, limit: 1 }, { identity: ROOT })).totalRecords;
    await waitFor(async () => (await jsm.streams.info(AUDIT_STREAM.name)).state.messages === total, {
      timeoutMs: 30_000,
      what: `${total} records on DV_AUDIT`,
    });
    expect(await client.call(AuditRpc.verify, { againstStream: true }, { identity: ROOT })).toMatchObject({ ok: true, checked: total });
    const exported = await client.call(AuditRpc.export, { from: FAR_PAST, to: FAR_FUTURE, format: 'jsonl' }, { identity: ROOT });
    expect(exported.records).toBe(total);

    for (const s of services.reverse()) await s.stop();
    services.length = 0;
    expect(secured.violations()).toEqual([]);
  });

  it('lets an outside consumer read the sealed records from any point as audit-reader, and do nothing else', async () => {
    const reader = await secured.connectAs('audit-reader');
    const consumer = await jetstream(reader).consumers.get(AUDIT_STREAM.name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 2 });
    const first = await consumer.next({ expires: 5000 });
    expect(first?.seq).toBe(2);
    expect(auditRecordSchema.parse(first?.json()).seq).toBe(2);
    const stored = await (await jetstreamManager(reader, { checkAPI: false })).streams.getMessage(AUDIT_STREAM.name, { last_by_subj: AUDIT_RECORD_SUBJECT });
    expect(auditRecordSchema.parse(stored?.json()).hash).toMatch(/^[0-9a-f]{64}$/);

    for (const subject of [
      AUDIT_RECORD_SUBJECT, // no forged records
      AuditRpc.query.subject, // no service calls
      'dv.evt.volume.created.v1',
      `$JS.API.STREAM.DELETE.${AUDIT_STREAM.name}`,
      `$JS.API.STREAM.PURGE.${AUDIT_STREAM.name}`,
      `$JS.API.STREAM.MSG.DELETE.${AUDIT_STREAM.name}`,
      `$JS.API.STREAM.UPDATE.${AUDIT_STREAM.name}`,
      `$JS.API.CONSUMER.CREATE.${STREAMS.domain.name}.peek`, // no other stream
      `$JS.API.CONSUMER.MSG.NEXT.${STREAMS.domain.name}.audit`,
      `$JS.API.STREAM.MSG.GET.${STREAMS.domain.name}`,
    ]) {
      expect([subject, await publishOutcome(reader, subject)]).toEqual([subject, 'denied']);
    }
    for (const subject of ['dv.>', 'dv.audit.record.v1', '_INBOX_audit.>', '>']) {
      expect([subject, await subscriptionOutcome(reader, subject)]).toEqual([subject, expect.any(PermissionViolationError)]);
    }
    // Only the reader's own attempts above were refused.
    expect(secured.violations().filter((line) => !line.includes('user:audit-reader'))).toEqual([]);
  });
});

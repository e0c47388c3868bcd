import {
  AUDIT_STREAM,
  AdmissionEvents,
  AuditRpc,
  type AuditRecord,
  DvError,
  GENESIS_HASH,
  HEADERS,
  STREAMS,
  SharingEvents,
  VolumeEvents,
  auditRecordSchema,
} from '@dv/contracts';
import { EventPublisher } from '@dv/messaging';
import { waitFor } from '@dv/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportRange } from '../src/cli/export-range';
import { expectedHash, recordMessage } from '../src/chain/record-hash';
import { AuditHarness, RETENTION, ROOT, TickEvent } from './audit-harness';
import { dataVolume, review, sharedScope } from './fixtures/contract-events';

const h = new AuditHarness();
// Issue 7 asks for 50,000 events; AUDIT_BURST gives another size (a smaller one for a quick run).
const BURST = Number(process.env['AUDIT_BURST'] ?? 50_000);
const FAR_PAST = '2000-01-01T00:00:00Z';
const FAR_FUTURE = '2100-01-01T00:00:00Z';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function expectCode(promise: Promise<unknown>, code: string): Promise<DvError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DvError);
  expect((error as DvError).code).toBe(code);
  return error as DvError;
}

/** A raw request (the service validates, not the client) and the error code of its reply. */
async function rawErrorCode(subject: string, body: unknown): Promise<{ code: string; message: string }> {
  const reply = (await h.client.sendRaw(subject, encoder.encode(JSON.stringify(body)), { identity: ROOT })) as {
    ok: boolean;
    error?: { code: string; message: string };
  };
  expect(reply.ok).toBe(false);
  return reply.error ?? { code: '', message: '' };
}

/** A CloudEvents envelope written by hand (what a careless or hostile publisher might send). */
function rawEnvelope(type: string, data: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'dv/elsewhere',
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    actorid: 'mallory',
    actortype: 'user',
    data,
    ...overrides,
  };
}

/** A record as it was sealed on DV_AUDIT (its text, as stored), put back in the database at its place. */
async function restoreFromStream(seq: number): Promise<void> {
  const jsm = await jetstreamManager(h.nc);
  const text = decoder.decode((await jsm.streams.getMessage(AUDIT_STREAM.name, { seq }))?.data);
  expect(auditRecordSchema.parse(JSON.parse(text)).seq).toBe(seq);
  await h.log().insertAt(seq, text);
}

/** `n` more records, sealed and relayed. */
async function seed(n: number): Promise<void> {
  const target = (await h.relayed()) + n;
  await Promise.all(
    Array.from({ length: n }, (_, i) => h.publisher.publish(TickEvent, { n: i, pad: '' }, { actor: { id: 'seed', type: 'system' }, subject: `seed-${i}` })),
  );
  await h.waitForRelayed(target);
}

beforeAll(async () => {
  await h.start();
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

describe('audit service (real NATS, MongoDB-wire server, authz beside it)', () => {
  it('records authz own events (bootstrap admins) and answers only authorized readers', async () => {
    await h.waitForRecords('of access rules', (r) => r.eventType === 'dv.evt.access-rule.created.v1', 2);
    const { records } = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: ['entityType==access-rule'] });
    expect(records.map((r) => r.action)).toEqual(['create', 'create']);
    expect(records[0]?.entityName).toMatch(/is System administrator in /);
    expect(await h.readiness()).toMatchObject({ status: 'ok', checks: { chain: 'ok', following: 'ok' } });

    await expectCode(h.client.call(AuditRpc.query, { from: FAR_PAST, to: FAR_FUTURE }), 'UNAUTHENTICATED');
    await expectCode(h.query({ from: FAR_PAST, to: FAR_FUTURE }, { subjectType: 'user', subjectId: 'nobody' }), 'FORBIDDEN');
    await expectCode(h.client.call(AuditRpc.archive, { olderThan: FAR_PAST }, { identity: ROOT }), 'FORBIDDEN');
  });

  it('refuses a group caller on every subject, archive included, in the one shape of the transport', async () => {
    // One rule for every service (docs/decisions/0018): a group is never a caller, refused UNAUTHENTICATED in one shape.
    const group = { subjectId: 'auditors', subjectType: 'group' as const };
    for (const request of [
      () => h.client.call(AuditRpc.query, { from: FAR_PAST, to: FAR_FUTURE }, { identity: group }),
      () => h.client.call(AuditRpc.export, { from: FAR_PAST, to: FAR_FUTURE, format: 'jsonl' }, { identity: group }),
      () => h.client.call(AuditRpc.verify, {}, { identity: group }),
      // archive answered a group FORBIDDEN ("only a service account") before: it was no caller then either.
      () => h.client.call(AuditRpc.archive, { olderThan: FAR_PAST }, { identity: group }),
    ]) {
      const error = await expectCode(request(), 'UNAUTHENTICATED');
      expect({ message: error.message, details: error.details }).toEqual({
        message: 'a group cannot be a caller (dv-identity header): group auditors is a subject of access rules; its members call as themselves',
        details: { reason: 'group-caller' },
      });
    }
    expect((await expectCode(h.client.call(AuditRpc.archive, { olderThan: FAR_PAST }), 'UNAUTHENTICATED')).details).toEqual({ reason: 'no-identity' });
  });

  it('refuses bad queries with typed errors', async () => {
    expect((await rawErrorCode(AuditRpc.query.subject, { to: FAR_FUTURE })).code).toBe('VALIDATION_FAILED');
    expect((await rawErrorCode(AuditRpc.query.subject, { from: FAR_PAST })).code).toBe('VALIDATION_FAILED');
    const backwards = await rawErrorCode(AuditRpc.query.subject, { from: FAR_FUTURE, to: FAR_PAST });
    expect(backwards).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(backwards.message).toMatch(/ends before it starts/);
    const unknown = await rawErrorCode(AuditRpc.query.subject, { from: FAR_PAST, to: FAR_FUTURE, filterBy: ['colour==red'] });
    expect(unknown.code).toBe('VALIDATION_FAILED');
    expect(unknown.message).toMatch(/unknown filter field "colour"/);
    expect((await rawErrorCode(AuditRpc.query.subject, { from: FAR_PAST, to: FAR_FUTURE, limit: 501 })).code).toBe('VALIDATION_FAILED');
    expect((await rawErrorCode(AuditRpc.export.subject, { from: FAR_FUTURE, to: FAR_PAST, format: 'csv' })).code).toBe('VALIDATION_FAILED');
    expect((await rawErrorCode(AuditRpc.verify.subject, { fromSeq: 9, toSeq: 3 })).code).toBe('VALIDATION_FAILED');
    expect((await rawErrorCode(AuditRpc.verify.subject, { againstStream: 'yes' })).code).toBe('VALIDATION_FAILED');
  });

  it('dead-letters every event it cannot record, with the reason, and keeps the stream flowing', async () => {
    const js = jetstream(h.events);
    const dataset = 'dv.evt.dataset.created.v1';
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = { level: deep };
    const poison: [string, Uint8Array][] = [
      [VolumeEvents.created.type, encoder.encode('not json {')],
      [VolumeEvents.created.type, encoder.encode(JSON.stringify({ specversion: '1.0', id: 'x' }))],
      // Its contract says data.volume is a data volume.
      [VolumeEvents.created.type, encoder.encode(JSON.stringify(rawEnvelope(VolumeEvents.created.type, { volume: 'nope' })))],
      // No canonical form (before: a RangeError retried for ever, and nothing after it recorded).
      [dataset, encoder.encode(JSON.stringify(rawEnvelope(dataset, deep)))],
    ];
    for (const [subject, payload] of poison) await js.publish(subject, payload, { msgID: randomUUID() });
    const good = await h.publisher.publish(TickEvent, { n: -1, pad: '' }, { actor: { id: 'dana', type: 'user' }, subject: 'after-poison' });
    expect(good.duplicate).toBe(false);
    await h.waitForRecords('after the poison', (r) => r.entityId === 'after-poison', 1);

    const jsm = await jetstreamManager(h.nc);
    await waitFor(async () => (await jsm.streams.info(STREAMS.deadLetter.name)).state.messages >= poison.length, {
      timeoutMs: 10_000,
      what: `${poison.length} dead letters`,
    });
    const letters = await Promise.all(poison.map(async (_, i) => jsm.streams.getMessage(STREAMS.deadLetter.name, { seq: i + 1 })));
    expect(letters.map((m) => m?.subject)).toEqual(poison.map(([subject]) => `dv.dlq.audit.${subject}`));
    expect(letters.map((m) => m?.header.get(HEADERS.deadLetterReason))).toEqual([
      'event is not JSON',
      expect.stringMatching(/^malformed event envelope/),
      expect.stringMatching(/^data does not match the dv\.evt\.volume\.created\.v1 contract: volume/),
      'nested deeper than 128 levels',
    ]);
    expect(await h.log().count((r) => r.subject === 'mallory')).toBe(0);
  });

  it('records an event holding lone surrogates (once dead-lettered): its members well-formed, its details exact, its hash verifying', async () => {
    const dataset = 'dv.evt.dataset.created.v1';
    const requestId = `lone-${randomUUID()}`;
    const deadLetters = (await (await jetstreamManager(h.nc)).streams.info(STREAMS.deadLetter.name)).state.messages;
    // JSON escapes a lone surrogate; read back it is one again, which the database would store as U+FFFD.
    const envelope = rawEnvelope(dataset, { name: 'x\ud800' }, { actorid: 'dana\ud800', subject: 'ds-\udc00', requestid: requestId });
    await jetstream(h.events).publish(dataset, encoder.encode(JSON.stringify(envelope)), { msgID: randomUUID() });
    await h.waitForRecords('of the request', (r) => r.requestId === requestId, 1);
    const { records } = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: [`requestId==${requestId}`] });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ subject: 'dana\ufffd', entityId: 'ds-\ufffd', entityName: 'x\ufffd', details: { name: 'x\ud800' } });
    for (const r of records) expect(expectedHash(r)).toBe(r.hash);
    expect((await (await jetstreamManager(h.nc)).streams.info(STREAMS.deadLetter.name)).state.messages).toBe(deadLetters);
  });

  it("returns a volume's whole story, published by the services' contracts, in order from one query, and exports it", async () => {
    const volume = dataVolume({ name: 'imagenet' });
    const project = { scopeType: 'project' as const, scopeId: volume.projectId };
    const dana = { id: 'dana@acme.example', type: 'user' as const };
    const system = { id: 'volume', type: 'system' as const };
    const volumeService = new EventPublisher(h.events, 'dv/volume');
    const sharingService = new EventPublisher(h.events, 'dv/sharing');
    const admission = new EventPublisher(h.events, 'dv/workload-admission');
    const onVolume = { subject: volume.id, scope: project };
    const requestId = randomUUID();
    const department = sharedScope('department', 'd1');
    const rita = review([volume.id], 'rita@acme.example');
    const eve = review([volume.id], 'eve@acme.example');

    await volumeService.publish(VolumeEvents.created, { volume }, { ...onVolume, actor: dana, aggregateVersion: 1, requestId });
    await volumeService.publish(
      VolumeEvents.ready,
      { volume: { ...volume, status: { phase: 'Ready', conditions: [] }, version: 2 } },
      { ...onVolume, actor: system, aggregateVersion: 2 },
    );
    await sharingService.publish(
      SharingEvents.shared,
      { volumeId: volume.id, scope: department, sharedScopes: [department] },
      { ...onVolume, actor: dana, aggregateVersion: 1 },
    );
    await admission.publish(
      AdmissionEvents.admitted,
      { ...rita, bindings: [{ volumeId: volume.id, namespace: rita.workload.namespace, pvcName: 'dv-imagenet', pvName: 'dv-imagenet-p2' }] },
      {
        actor: { id: 'rita@acme.example', type: 'user' },
        subject: rita.reviewId,
        id: rita.reviewId,
        scope: { scopeType: 'project', scopeId: rita.workload.projectId },
      },
    );
    await admission.publish(
      AdmissionEvents.denied,
      { ...eve, reasons: [{ code: 'NOT_SHARED', message: `data volume ${volume.id} is not shared with project p3`, volumeId: volume.id }] },
      { actor: { id: 'eve@acme.example', type: 'user' }, subject: eve.reviewId, id: eve.reviewId, scope: { scopeType: 'project', scopeId: 'p3' } },
    );
    await volumeService.publish(
      VolumeEvents.refused,
      {
        operation: 'delete',
        code: 'PRECONDITION_FAILED',
        message: 'data volume imagenet is in use by 1 workload',
        volumeId: volume.id,
        name: volume.name,
        projectId: volume.projectId,
        clusterId: volume.clusterId,
      },
      { ...onVolume, actor: dana },
    );
    await sharingService.publish(
      SharingEvents.unshared,
      { volumeId: volume.id, scope: department, sharedScopes: [] },
      { ...onVolume, actor: dana, aggregateVersion: 2 },
    );
    await volumeService.publish(
      VolumeEvents.deleting,
      { volume: { ...volume, status: { phase: 'Deleting', conditions: [] }, version: 3 } },
      { ...onVolume, actor: dana, aggregateVersion: 3 },
    );
    await volumeService.publish(
      VolumeEvents.deleted,
      { volume: { ...volume, status: { phase: 'Deleting', conditions: [] }, version: 4 } },
      { ...onVolume, actor: system, aggregateVersion: 4 },
    );
    await h.waitForRecords('of the volume', (r) => r.relatedIds?.includes(volume.id) === true, 9);

    // One query, by the volume.
    const { totalRecords, records } = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: [`relatedIds==${volume.id}`] });
    expect(totalRecords).toBe(9);
    expect(records.map((r) => [r.eventType, r.entityType, r.action, r.result, r.subject])).toEqual([
      ['dv.evt.volume.created.v1', 'volume', 'create', 'Succeeded', 'dana@acme.example'],
      ['dv.evt.volume.ready.v1', 'volume', 'ready', 'Succeeded', 'volume'],
      ['dv.evt.volume.shared.v1', 'volume', 'share', 'Succeeded', 'dana@acme.example'],
      ['dv.evt.workload.admitted.v1', 'workload', 'admit', 'Succeeded', 'rita@acme.example'],
      ['dv.evt.workload.denied.v1', 'workload', 'admit', 'Failed', 'eve@acme.example'],
      ['dv.evt.volume.refused.v1', 'volume', 'delete', 'Failed', 'dana@acme.example'],
      ['dv.evt.volume.unshared.v1', 'volume', 'unshare', 'Succeeded', 'dana@acme.example'],
      ['dv.evt.volume.deleting.v1', 'volume', 'delete', 'Succeeded', 'dana@acme.example'],
      ['dv.evt.volume.deleted.v1', 'volume', 'deleted', 'Succeeded', 'volume'],
    ]);
    expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((a, b) => a - b));
    expect(records[0]).toMatchObject({
      entityId: volume.id,
      entityName: 'imagenet',
      clusterId: 'c1',
      scopeType: 'project',
      scopeId: 'p1',
      requestId,
      source: 'dv/volume',
      details: { volume },
    });
    expect(records[3]).toMatchObject({ entityId: `${rita.workload.namespace}/${rita.workload.name}`, entityName: rita.workload.name, scopeId: 'p2' });
    for (const r of records) expect(expectedHash(r)).toBe(r.hash);

    const failed = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: [`relatedIds==${volume.id}`, 'result==Failed'] });
    expect(failed.records.map((r) => r.subject)).toEqual(['eve@acme.example', 'dana@acme.example']);
    const newestFirst = await h.query({
      from: FAR_PAST,
      to: FAR_FUTURE,
      filterBy: [`relatedIds=^${volume.id.slice(0, 13)}`],
      sortBy: 'seq',
      sortOrder: 'desc',
      offset: 1,
      limit: 2,
    });
    expect(newestFirst.records.map((r) => r.action)).toEqual(['delete', 'unshare']);
    expect((await h.query({ from: FAR_PAST, to: FAR_FUTURE, search: volume.id.toUpperCase() })).totalRecords).toBe(9);

    const jsonl = join(h.archiveDir, 'story.jsonl');
    const exported = await exportRange(h.client, { from: FAR_PAST, to: FAR_FUTURE, format: 'jsonl', file: jsonl, identity: ROOT, chunkRecords: 3 });
    const lines = (await readFile(jsonl, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => auditRecordSchema.parse(JSON.parse(l)));
    expect(lines.length).toBe(exported.records);
    expect(exported.chunks).toBeGreaterThan(2);
    expect(lines.filter((r) => r.relatedIds?.includes(volume.id)).map((r) => r.seq)).toEqual(records.map((r) => r.seq));
    lines.forEach((r, i) => i > 0 && expect(r.prevHash).toBe(lines[i - 1]?.hash));
    const csv = join(h.archiveDir, 'story.csv');
    await exportRange(h.client, { from: FAR_PAST, to: FAR_FUTURE, format: 'csv', file: csv, identity: ROOT, chunkRecords: 4 });
    const rows = (await readFile(csv, 'utf8')).trim().split('\r\n');
    expect(rows[0]).toMatch(/^seq,timestamp,subject,subjectType,action,/);
    expect(rows.length).toBe(exported.records + 1);
  });

  it('consumes again when its durable consumer goes away, and records nothing twice', async () => {
    const jsm = await jetstreamManager(h.events);
    await jsm.consumers.delete(STREAMS.domain.name, 'audit');
    await h.publisher.publish(TickEvent, { n: -2, pad: '' }, { actor: { id: 'dana', type: 'user' }, subject: 'after-consumer-loss' });
    await h.waitForRecords('after the consumer loss', (r) => r.entityId === 'after-consumer-loss', 1, 60_000);
    await waitFor(async () => (await h.readiness()).status === 'ok', { timeoutMs: 10_000, what: 'ready again' });
    // The new consumer replayed DV_EVENTS from the start: each event is recorded once, or dead-lettered once.
    const events = (await jsm.streams.info(STREAMS.domain.name)).state.messages + (await jsm.streams.info(STREAMS.platform.name)).state.messages;
    const deadLetters = (await jsm.streams.info(STREAMS.deadLetter.name)).state.messages;
    await h.waitForRelayed(events - deadLetters);
    expect(await h.log().count()).toBe(events - deadLetters);
    expect((await h.verify()).ok).toBe(true);
  }, 120_000);

  it('publishes every sealed record, in chain order with its hash and seq, on DV_AUDIT for outside consumers', async () => {
    await seed(600);
    const total = await h.log().count();
    await h.waitForRelayed(total);
    expect(await h.relayed()).toBe(total);
    // From any point: start at stream sequence 100.
    const consumer = await jetstream(h.nc).consumers.get(AUDIT_STREAM.name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 100 });
    const got: AuditRecord[] = [];
    const messages = await consumer.consume();
    for await (const m of messages) {
      const text = decoder.decode(m.data);
      const record = auditRecordSchema.parse(JSON.parse(text));
      got.push(record);
      expect(m.headers?.get('dv-audit-seq')).toBe(String(record.seq));
      // The message is the hashed text with the hash added last: anyone can check it with sha256 alone.
      const hashed = text.replace(/,"hash":"[0-9a-f]{64}"}$/, '}');
      expect(createHash('sha256').update(hashed).digest('hex')).toBe(record.hash);
      if (got.length === 300) break;
    }
    expect(got.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 100 + i));
    got.forEach((r, i) => {
      expect(expectedHash(r)).toBe(r.hash);
      if (i > 0) expect(r.prevHash).toBe(got[i - 1]?.hash);
    });
  });

  it('names the record changed, removed or inserted directly in the database, and a tail rewritten hashes and all', async () => {
    const log = h.log();
    const original = await log.recordAt(120);
    if (!original) throw new Error('no record 120');
    const originalText = recordMessage(original);

    await log.replace(120, JSON.stringify({ ...original, action: 'nothing-to-see' }));
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).firstBad).toMatchObject({ seq: 120, problem: 'changed' });
    expect((await h.verify()).firstBad).toMatchObject({ seq: 120, problem: 'changed' });
    // Rewritten with a freshly computed hash: the next record's link gives it away.
    const forged = { ...original, action: 'nothing-to-see' };
    forged.hash = expectedHash(forged);
    await log.replace(120, recordMessage(forged));
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).firstBad).toMatchObject({ seq: 120, problem: 'changed' });
    await log.replace(120, originalText);
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).ok).toBe(true);

    await log.remove(150);
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).firstBad).toMatchObject({ seq: 150, problem: 'removed' });
    await restoreFromStream(150);

    await log.insertAt(161, recordMessage({ ...original, id: 'forged-event', seq: 160.5 }));
    const inserted = await h.verify({ fromSeq: 155, toSeq: 200 });
    expect(inserted.firstBad).toMatchObject({ seq: 160.5, problem: 'inserted', id: 'forged-event' });
    await log.remove(160.5);

    // The last record removed: the chain's recorded head still knows it existed.
    const head = await h.chain().findOne({ _id: 'head' });
    const last = await log.recordAt(head?.seq ?? 0);
    if (!last) throw new Error('no last record');
    await log.remove(last.seq);
    expect((await h.verify({ fromSeq: last.seq - 5 })).firstBad).toMatchObject({ seq: last.seq, problem: 'removed' });

    // The last record rewritten, its hash recomputed (nothing after it to give it away), and the head
    // marker rewritten to match: the database alone agrees with itself; DV_AUDIT does not.
    const rewritten = { ...last, subject: 'someone-else' };
    rewritten.hash = expectedHash(rewritten);
    await log.insertAt(last.seq, recordMessage(rewritten));
    await h.chain().updateOne({ _id: 'head' }, { $set: { hash: rewritten.hash } });
    expect((await h.verify({ fromSeq: last.seq - 5 })).ok).toBe(true);
    expect((await h.verify({ fromSeq: last.seq - 5, againstStream: true })).firstBad).toMatchObject({
      seq: last.seq,
      problem: 'changed',
      message: expect.stringMatching(/DV_AUDIT/),
    });
    await log.replace(last.seq, recordMessage(last));
    await h.chain().updateOne({ _id: 'head' }, { $set: { hash: last.hash } });
    expect((await h.verify({ fromSeq: last.seq - 5, againstStream: true })).ok).toBe(true);
  }, 300_000);

  it('archives old records to a file and keeps the chain verifiable from the checkpoint', async () => {
    expect((await h.verify()).ok).toBe(true);

    // Archive what was sealed before record 300's batch (the rest stays for the tests after).
    const cutoff = (await h.log().recordAt(300))?.recordedAt;
    if (!cutoff) throw new Error('no record 300');
    const before = await h.log().count((r) => r.recordedAt < cutoff);
    expect(before).toBeGreaterThan(0);
    const archived = await h.client.call(AuditRpc.archive, { olderThan: cutoff }, { identity: RETENTION, timeoutMs: 300_000 });
    expect(archived.archived).toBe(before);
    expect(archived.checkpoint.seq).toBe(before);
    expect(await h.log().count((r) => r.seq <= before)).toBe(0);
    expect((await h.log().texts()).map((t) => t.seq)[0]).toBe(before + 1);
    // Their entries in the index went with them.
    expect((await h.query({ from: FAR_PAST, to: FAR_FUTURE, sortBy: 'seq', limit: 1 })).records[0]?.seq).toBe(before + 1);
    const fileLines = (await readFile(archived.file ?? '', 'utf8')).trim().split('\n');
    expect(fileLines.length).toBe(before);
    const first = auditRecordSchema.parse(JSON.parse(fileLines[0] ?? '{}'));
    const lastLine = auditRecordSchema.parse(JSON.parse(fileLines[fileLines.length - 1] ?? '{}'));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(lastLine.hash).toBe(archived.checkpoint.hash);
    // The chain still verifies, from the archive's last hash.
    const verified = await h.verify({ toSeq: before + 100 });
    expect(verified).toMatchObject({ ok: true, fromSeq: before + 1, checked: 100, base: archived.checkpoint });
    expect(await h.verify({ againstStream: true })).toMatchObject({ ok: true, fromSeq: before + 1 });
    // Nothing more to archive before the same time.
    expect((await h.client.call(AuditRpc.archive, { olderThan: cutoff }, { identity: RETENTION, timeoutMs: 300_000 })).archived).toBe(0);
  }, 300_000);

  it('will not extend a chain whose tail was cut while it was down: not ready, an alarm, verify names it', async () => {
    const total = (await h.chain().findOne({ _id: 'archive' }))?.seq ?? 0;
    const top = total + (await h.log().count());
    await h.waitForRelayed(top);
    await h.audit.stop();
    const cut = [top - 2, top - 1, top];
    for (const seq of cut) await h.log().remove(seq);

    await h.startAudit();
    const readiness = await h.readiness();
    expect(readiness.status).not.toBe('ok');
    expect(readiness.checks['chain']).not.toBe('ok');
    expect(h.audit.output()).toMatch(
      /AUDIT CHAIN INTEGRITY ALARM: the chain in the database ends at seq \d+, but the (head marker|DV_AUDIT) says it reached seq/,
    );
    expect((await h.verify({ fromSeq: top - 10 })).firstBad).toMatchObject({ seq: top - 2, problem: 'removed' });
    // Nothing is sealed meanwhile (the seqs would be reused): events wait in the stream.
    const waiting = await h.publisher.publish(TickEvent, { n: -3, pad: '' }, { actor: { id: 'dana', type: 'user' }, subject: 'while-alarmed' });
    // A fence, not a pause: the event is in the stream, and the durable has it pending, undelivered, with
    // nobody pulling (the alarmed service never started its intake).
    await waitFor(async () => (await h.auditConsumer()).num_pending >= 1, { timeoutMs: 30_000, what: 'the event pending on the audit durable' });
    const consumer = await h.auditConsumer();
    expect(consumer.num_waiting).toBe(0);
    expect(consumer.num_ack_pending).toBe(0);
    expect(consumer.delivered.stream_seq).toBeLessThan(waiting.seq);
    expect(await h.log().count((r) => r.entityId === 'while-alarmed')).toBe(0);

    // Restored from the sealed copy outside the database: the chain is whole again and grows on.
    for (const seq of cut) await restoreFromStream(seq);
    await h.audit.stop();
    await h.startAudit();
    await waitFor(async () => (await h.readiness()).status === 'ok', { timeoutMs: 30_000, what: 'ready after the restore' });
    await h.waitForRecords('while alarmed', (r) => r.entityId === 'while-alarmed', 1);
    expect((await h.log().find((r) => r.entityId === 'while-alarmed'))?.seq).toBe(top + 1);
    expect(await h.verify({ fromSeq: top - 10, againstStream: true })).toMatchObject({ ok: true });
  }, 300_000);
  it(`keeps exactly ${BURST} records through a SIGKILL during a burst, and the chain verifies`, async () => {
    const before = await h.relayed();
    const archived = (await h.chain().findOne({ _id: 'archive' }))?.seq ?? 0;
    const pad = 'x'.repeat(200);
    const actor = { actor: { id: 'load', type: 'system' as const } };
    let sent = 0;
    const publishAll = (async () => {
      const inFlight = new Set<Promise<unknown>>();
      for (let n = 0; n < BURST; n++) {
        const p = h.publisher.publish(TickEvent, { n, pad }, { ...actor, subject: `tick-${n}` }).then(() => sent++);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= 256) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    // Kill while the burst is landing: some records sealed, many events still coming.
    await h.waitForRelayed(before + Math.min(10_000, BURST / 5), 300_000);
    await h.audit.kill();
    const relayedAtKill = await h.relayed();
    await publishAll;
    expect(sent).toBe(BURST);
    expect(relayedAtKill).toBeLessThan(before + BURST);
    await h.startAudit();
    await h.waitForRelayed(before + BURST, 600_000).catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}; the service said, last:\n${h.audit.output().split('\n').slice(-30).join('\n')}`,
      );
    });
    // A fence, not a pause: every event delivered to the durables is acked (a record is stored before
    // its ack), and DV_AUDIT holds every stored record; only then is a duplicate ruled out.
    await waitFor(
      async () => {
        const [events, platform] = await Promise.all([h.auditConsumer('DV_EVENTS'), h.auditConsumer('PLATFORM_EVENTS')]);
        return events.num_pending + events.num_ack_pending + platform.num_pending + platform.num_ack_pending === 0;
      },
      { timeoutMs: 120_000, what: 'every event acked by the audit durables' },
    );
    const storedTexts = await h.log().texts();
    const headSeq = storedTexts[storedTexts.length - 1]?.seq ?? 0;
    // DV_AUDIT keeps archived records too: it holds one message per seq of the chain.
    await waitFor(async () => (await h.relayed()) >= headSeq, { timeoutMs: 60_000, what: 'DV_AUDIT holding every stored record' });
    expect(await h.relayed()).toBe(before + BURST);
    const stored = await h.log().records();
    expect(stored.filter((r) => r.eventType === TickEvent.type && r.entityId?.startsWith('tick-') === true).length).toBe(BURST);
    expect(new Set(stored.map((r) => r.id)).size).toBe(stored.length);
    // DV_AUDIT holds every record ever sealed; the database all but the archived ones.
    expect(stored.length).toBe(before + BURST - archived);
    expect(await h.verify({ againstStream: true })).toMatchObject({
      ok: true,
      checked: before + BURST - archived,
      fromSeq: archived + 1,
      toSeq: before + BURST,
    });
  }, 900_000);
});

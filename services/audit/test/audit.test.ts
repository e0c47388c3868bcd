import { AUDIT_STREAM, AuditRpc, type AuditRecord, DvError, GENESIS_HASH, HEADERS, STREAMS, auditRecordSchema } from '@dv/contracts';
import { waitFor } from '@dv/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportRange } from '../src/cli/export-range';
import { canonicalJson } from '../src/chain/canonical-json';
import { expectedHash } from '../src/chain/record-hash';
import { AuditHarness, RETENTION, ROOT, TestEvents } from './audit-harness';

const h = new AuditHarness();
// The issue asks for 50,000 (AUDIT_BURST=50000); the default suite uses 5,000 to stay within CI's time on 2 cores.
const BURST = Number(process.env['AUDIT_BURST'] ?? 5_000);
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
  const reply = (await h.client.sendRaw(subject, encoder.encode(JSON.stringify(body)), { identity: ROOT })) as { ok: boolean; error?: { code: string; message: string } };
  expect(reply.ok).toBe(false);
  return reply.error ?? { code: '', message: '' };
}

beforeAll(async () => {
  await h.start();
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

describe('audit service (real NATS, MongoDB-wire server, authz beside it)', () => {
  it('records authz own events (bootstrap admins) and answers only authorized readers', async () => {
    await h.waitForRecords({ eventType: 'dv.evt.access-rule.created.v1' }, 2);
    const { records } = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: ['entityType==access-rule'] });
    expect(records.map((r) => r.action)).toEqual(['create', 'create']);
    expect(records[0]?.entityName).toMatch(/is System administrator/);

    await expectCode(h.client.call(AuditRpc.query, { from: FAR_PAST, to: FAR_FUTURE }), 'UNAUTHENTICATED');
    await expectCode(h.query({ from: FAR_PAST, to: FAR_FUTURE }, { subjectType: 'user', subjectId: 'nobody' }), 'FORBIDDEN');
    await expectCode(h.client.call(AuditRpc.archive, { olderThan: FAR_PAST }, { identity: ROOT }), 'FORBIDDEN');
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
  });

  it('dead-letters malformed events with the reason and keeps the stream flowing', async () => {
    const js = jetstream(h.nc);
    await js.publish('dv.evt.volume.created.v1', encoder.encode('not json {'), { msgID: randomUUID() });
    await js.publish('dv.evt.volume.created.v1', encoder.encode(JSON.stringify({ specversion: '1.0', id: 'x' })), { msgID: randomUUID() });
    const good = await h.publisher.publish(TestEvents.volumeCreated, { volumeId: 'after-poison', name: 'after-poison', projectId: 'p1' }, { actor: { id: 'dana', type: 'user' }, subject: 'after-poison' });
    expect(good.duplicate).toBe(false);
    await h.waitForRecords({ entityId: 'after-poison' }, 1);

    const jsm = await jetstreamManager(h.nc);
    await waitFor(async () => (await jsm.streams.info(STREAMS.deadLetter.name)).state.messages >= 2, { timeoutMs: 10_000, what: 'two dead letters' });
    const reasons: string[] = [];
    for (let seq = 1; seq <= 2; seq++) {
      const m = await jsm.streams.getMessage(STREAMS.deadLetter.name, { seq });
      expect(m?.subject).toBe('dv.dlq.audit.dv.evt.volume.created.v1');
      reasons.push(m?.header.get(HEADERS.deadLetterReason) ?? '');
    }
    expect(reasons).toEqual(['event is not JSON', expect.stringMatching(/^malformed event envelope/)]);
  });

  it("returns a volume's whole story in order from one query, and exports it as JSON lines and CSV", async () => {
    const vol = `vol-${randomUUID().slice(0, 8)}`;
    const data = { volumeId: vol, name: 'imagenet', projectId: 'p1' };
    const admin = { actor: { id: 'dana@acme.example', type: 'user' as const }, subject: vol, scope: { scopeType: 'project' as const, scopeId: 'p1' } };
    const requestId = randomUUID();
    await h.publisher.publish(TestEvents.volumeCreated, data, { ...admin, requestId });
    await h.publisher.publish(TestEvents.volumeShared, { ...data, sharedWith: { scopeType: 'department', scopeId: 'd1' } }, admin);
    await h.publisher.publish(TestEvents.workloadAdmitted, { ...data, workload: 'train-1' }, { ...admin, actor: { id: 'admission', type: 'service-account' } });
    await h.publisher.publish(TestEvents.volumeRefused, { ...data, user: 'eve' }, { ...admin, actor: { id: 'eve@acme.example', type: 'user' } });
    await h.publisher.publish(TestEvents.volumeUnshared, data, admin);
    await h.publisher.publish(TestEvents.volumeDeleted, data, admin);
    await h.waitForRecords({ entityId: vol }, 6);

    const { totalRecords, records } = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: [`entityId==${vol}`] });
    expect(totalRecords).toBe(6);
    expect(records.map((r) => [r.entityType, r.action, r.result, r.subject])).toEqual([
      ['volume', 'create', 'Succeeded', 'dana@acme.example'],
      ['volume', 'share', 'Succeeded', 'dana@acme.example'],
      ['workload', 'admit', 'Succeeded', 'admission'],
      ['volume', 'refuse', 'Failed', 'eve@acme.example'],
      ['volume', 'unshare', 'Succeeded', 'dana@acme.example'],
      ['volume', 'delete', 'Succeeded', 'dana@acme.example'],
    ]);
    expect(records[0]).toMatchObject({ entityName: 'imagenet', scopeType: 'project', scopeId: 'p1', requestId, source: 'dv/audit-test', details: data });
    for (const r of records) expect(expectedHash(r)).toBe(r.hash);

    const failed = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: [`entityId==${vol}`, 'result==Failed'] });
    expect(failed.records.map((r) => r.subject)).toEqual(['eve@acme.example']);
    const newestFirst = await h.query({ from: FAR_PAST, to: FAR_FUTURE, filterBy: [`entityId=^${vol}`], sortBy: 'seq', sortOrder: 'desc', offset: 1, limit: 2 });
    expect(newestFirst.records.map((r) => r.action)).toEqual(['unshare', 'refuse']);
    const searched = await h.query({ from: FAR_PAST, to: FAR_FUTURE, search: vol.toUpperCase() });
    expect(searched.totalRecords).toBe(6);

    const jsonl = join(h.archiveDir, 'story.jsonl');
    const exported = await exportRange(h.client, { from: FAR_PAST, to: FAR_FUTURE, format: 'jsonl', file: jsonl, identity: ROOT, chunkRecords: 3 });
    const lines = (await readFile(jsonl, 'utf8')).trim().split('\n').map((l) => auditRecordSchema.parse(JSON.parse(l)));
    expect(lines.length).toBe(exported.records);
    expect(exported.chunks).toBeGreaterThan(2);
    expect(lines.filter((r) => r.entityId === vol).map((r) => r.seq)).toEqual(records.map((r) => r.seq));
    lines.forEach((r, i) => i > 0 && expect(r.prevHash).toBe(lines[i - 1]?.hash));
    const csv = join(h.archiveDir, 'story.csv');
    await exportRange(h.client, { from: FAR_PAST, to: FAR_FUTURE, format: 'csv', file: csv, identity: ROOT, chunkRecords: 4 });
    const rows = (await readFile(csv, 'utf8')).trim().split('\r\n');
    expect(rows[0]).toMatch(/^seq,timestamp,subject,subjectType,action,/);
    expect(rows.length).toBe(exported.records + 1);
  });

  it(`keeps exactly ${BURST} records through a SIGKILL during a burst, and the chain verifies`, async () => {
    const pad = 'x'.repeat(200);
    const actor = { actor: { id: 'load', type: 'system' as const } };
    let sent = 0;
    let killed = false;
    const publishAll = (async () => {
      const inFlight = new Set<Promise<unknown>>();
      for (let n = 0; n < BURST; n++) {
        const p = h.publisher.publish(TestEvents.tick, { n, pad }, { ...actor, subject: `tick-${n}` }).then(() => sent++);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= 256) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    // Kill while the burst is landing: some records sealed, many events still coming.
    await h.waitForRecords({ eventType: TestEvents.tick.type }, Math.min(5000, BURST / 5), 120_000);
    await h.audit.kill();
    killed = true;
    await publishAll;
    expect(sent).toBe(BURST);
    await h.startAudit();
    await h.waitForRecords({ eventType: TestEvents.tick.type }, BURST, 400_000);
    // Settle: nothing more may arrive (no duplicates after the restart).
    await new Promise((r) => setTimeout(r, 2000));
    expect(await h.records().countDocuments({ eventType: TestEvents.tick.type })).toBe(BURST);
    expect(killed).toBe(true);
    const total = await h.records().countDocuments({});
    const result = await h.verify();
    expect(result).toMatchObject({ ok: true, checked: total, fromSeq: 1, toSeq: total });
  }, 600_000);

  it('publishes every sealed record, in chain order with its hash and seq, on DV_AUDIT for outside consumers', async () => {
    const total = await h.records().countDocuments({});
    const jsm = await jetstreamManager(h.nc);
    await waitFor(async () => (await jsm.streams.info(AUDIT_STREAM.name)).state.messages >= total, { timeoutMs: 60_000, what: `${total} records on DV_AUDIT` });
    const info = await jsm.streams.info(AUDIT_STREAM.name);
    expect(info.state.messages).toBe(total);
    // From any point: start at stream sequence 100.
    const consumer = await jetstream(h.nc).consumers.get(AUDIT_STREAM.name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 100 });
    const got: AuditRecord[] = [];
    const messages = await consumer.consume();
    for await (const m of messages) {
      got.push(auditRecordSchema.parse(JSON.parse(decoder.decode(m.data))));
      expect(m.headers?.get('dv-audit-seq')).toBe(String(got[got.length - 1]?.seq));
      if (got.length === 300) break;
    }
    expect(got.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 100 + i));
    got.forEach((r, i) => {
      expect(expectedHash(r)).toBe(r.hash);
      if (i > 0) expect(r.prevHash).toBe(got[i - 1]?.hash);
    });
  });

  it('names the record changed, removed or inserted directly in the database', async () => {
    const records = h.records();
    const original = await records.findOne({ seq: 120 });
    if (!original) throw new Error('no record 120');

    await records.updateOne({ seq: 120 }, { $set: { action: 'nothing-to-see' } });
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).firstBad).toMatchObject({ seq: 120, problem: 'changed' });
    expect((await h.verify()).firstBad).toMatchObject({ seq: 120, problem: 'changed' });
    // Rewritten with a freshly computed hash: the next record's link gives it away.
    const forged = { ...original, action: 'nothing-to-see' };
    const { _id, detailsJson, ...rest } = forged;
    forged.hash = expectedHash({ ...rest, id: _id, details: JSON.parse(detailsJson) as unknown });
    await records.replaceOne({ _id }, forged);
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).firstBad).toMatchObject({ seq: 120, problem: 'changed' });
    await records.replaceOne({ _id }, original);
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).ok).toBe(true);

    await records.deleteOne({ seq: 150 });
    expect((await h.verify({ fromSeq: 100, toSeq: 200 })).firstBad).toMatchObject({ seq: 150, problem: 'removed' });

    await records.insertOne({ ...original, _id: 'forged-event', seq: 160.5 });
    const inserted = await h.verify({ fromSeq: 155, toSeq: 200 });
    expect(inserted.firstBad).toMatchObject({ seq: 160.5, problem: 'inserted', id: 'forged-event' });
    await records.deleteOne({ _id: 'forged-event' });

    // The last records removed: the chain's recorded head still knows they existed.
    const head = await h.chain().findOne({ _id: 'head' });
    const last = await records.findOne({ seq: head?.seq ?? 0 });
    if (!last) throw new Error('no last record');
    await records.deleteOne({ _id: last._id });
    const truncated = await h.verify({ fromSeq: last.seq - 5 });
    expect(truncated.firstBad).toMatchObject({ seq: last.seq, problem: 'removed' });
    await records.insertOne(last);
  }, 300_000);

  it('archives old records to a file and keeps the chain verifiable from the checkpoint', async () => {
    // Put back what the previous test removed, from DV_AUDIT (the outside copy of the chain).
    if ((await h.records().findOne({ seq: 150 })) === null) {
      const jsm = await jetstreamManager(h.nc);
      const copy = auditRecordSchema.parse(JSON.parse(decoder.decode((await jsm.streams.getMessage(AUDIT_STREAM.name, { seq: 150 }))?.data ?? new Uint8Array())));
      const { id, details, ...fields } = copy;
      await h.records().insertOne({ ...fields, _id: id, detailsJson: canonicalJson(details) });
    }
    expect((await h.verify()).ok).toBe(true);

    // Archive what was sealed before the burst (verifying 50,000 records on FerretDB takes minutes).
    const firstTick = await h.records().find({ eventType: TestEvents.tick.type }).sort({ seq: 1 }).limit(1).next();
    if (!firstTick) throw new Error('no burst records');
    const before = await h.records().countDocuments({ recordedAt: { $lt: firstTick.recordedAt } });
    const archived = await h.client.call(AuditRpc.archive, { olderThan: firstTick.recordedAt }, { identity: RETENTION, timeoutMs: 300_000 });
    expect(archived.archived).toBe(before);
    expect(archived.checkpoint.seq).toBe(before);
    expect(await h.records().countDocuments({ seq: { $lte: before } })).toBe(0);
    const fileLines = (await readFile(archived.file ?? '', 'utf8')).trim().split('\n');
    expect(fileLines.length).toBe(before);
    const first = auditRecordSchema.parse(JSON.parse(fileLines[0] ?? '{}'));
    const lastLine = auditRecordSchema.parse(JSON.parse(fileLines[fileLines.length - 1] ?? '{}'));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(lastLine.hash).toBe(archived.checkpoint.hash);
    // The chain still verifies, from the archive's last hash.
    const verified = await h.verify({ toSeq: before + 200 });
    expect(verified).toMatchObject({ ok: true, fromSeq: before + 1, checked: 200, base: archived.checkpoint });
    // Nothing more to archive before the same time.
    expect((await h.client.call(AuditRpc.archive, { olderThan: firstTick.recordedAt }, { identity: RETENTION, timeoutMs: 300_000 })).archived).toBe(0);
  }, 300_000);
});

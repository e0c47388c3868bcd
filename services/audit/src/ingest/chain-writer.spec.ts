import { GENESIS_HASH } from '@dv/contracts';
import { expectedHash } from '../chain/record-hash';
import { type AuditCollections, type AuditRecordDoc, type ChainStateDoc, toAuditRecord } from '../records/audit-record.model';
import { ChainWriter, prepareDraft } from './chain-writer';
import { eventToDraft } from './event-to-record';

interface Filter {
  _id?: string | { $in: string[] };
  seq?: number;
}

/**
 * A records collection in memory, as far as the writer uses it: an ordered insertMany that stops at
 * the first duplicate `_id` or `seq` (code 11000) or at a document `refuse` names, reporting it the
 * way the driver does (writeErrors with the index); finds by `_id`, `$in` or `seq`; the last by seq.
 */
class FakeRecords {
  readonly docs: AuditRecordDoc[] = [];
  refuse: (doc: AuditRecordDoc) => boolean = () => false;

  insertMany(docs: AuditRecordDoc[]): Promise<void> {
    for (const [index, doc] of docs.entries()) {
      const duplicate = this.docs.some((d) => d._id === doc._id || d.seq === doc.seq);
      if (duplicate || this.refuse(doc)) {
        const code = duplicate ? 11000 : 2;
        return Promise.reject(Object.assign(new Error(duplicate ? 'E11000 duplicate key' : 'unsupported value'), { code, writeErrors: [{ index, code, errmsg: duplicate ? 'E11000 duplicate key' : 'unsupported value' }] }));
      }
      this.docs.push(structuredClone(doc));
    }
    return Promise.resolve();
  }

  find(filter: Filter) {
    const match = (d: AuditRecordDoc): boolean => {
      if (typeof filter._id === 'string' && d._id !== filter._id) return false;
      if (typeof filter._id === 'object' && !filter._id.$in.includes(d._id)) return false;
      return filter.seq === undefined || d.seq === filter.seq;
    };
    let found = this.docs.filter(match);
    const cursor = {
      sort: (s: Record<string, 1 | -1>) => {
        found = [...found].sort((a, b) => (a.seq - b.seq) * (s['seq'] ?? 1));
        return cursor;
      },
      limit: (n: number) => {
        found = found.slice(0, n);
        return cursor;
      },
      toArray: () => Promise.resolve(found),
    };
    return cursor;
  }

  findOne(filter: Filter): Promise<AuditRecordDoc | null> {
    return this.find(filter)
      .toArray()
      .then((docs) => docs[0] ?? null);
  }
}

class FakeChain {
  readonly docs = new Map<string, ChainStateDoc>();
  findOne(filter: { _id: ChainStateDoc['_id'] }): Promise<ChainStateDoc | null> {
    return Promise.resolve(this.docs.get(filter._id) ?? null);
  }
  updateOne(filter: { _id: ChainStateDoc['_id'] }, update: { $setOnInsert?: Partial<ChainStateDoc>; $set?: Partial<ChainStateDoc> }): Promise<void> {
    const current = this.docs.get(filter._id);
    if (!current && update.$setOnInsert) this.docs.set(filter._id, { _id: filter._id, seq: 0, ...update.$setOnInsert });
    if (current && update.$set) this.docs.set(filter._id, { ...current, ...update.$set });
    return Promise.resolve();
  }
}

function setup() {
  const records = new FakeRecords();
  const chain = new FakeChain();
  const writer = new ChainWriter({ records, chain } as unknown as AuditCollections);
  return { records, chain, writer };
}

const event = (id: string) =>
  prepareDraft(
    eventToDraft({
      specversion: '1.0',
      id,
      source: 'dv/test',
      type: 'dv.evt.dataset.created.v1',
      time: '2025-01-02T03:04:05.000Z',
      datacontenttype: 'application/json',
      actorid: 'dana',
      actortype: 'user',
      data: { name: id },
    }),
  );

function expectChain(docs: readonly AuditRecordDoc[]): void {
  const sorted = [...docs].sort((a, b) => a.seq - b.seq);
  sorted.forEach((doc, i) => {
    expect(doc.seq).toBe(i + 1);
    expect(doc.prevHash).toBe(i === 0 ? GENESIS_HASH : sorted[i - 1]?.hash);
    expect(expectedHash(toAuditRecord(doc))).toBe(doc.hash);
  });
}

describe('ChainWriter', () => {
  it('seals a batch with consecutive seqs, each linked to the one before, hashed as verify recomputes it', async () => {
    const { records, writer } = setup();
    await writer.init();
    const first = await writer.write([event('a'), event('b')], new Set());
    const second = await writer.write([event('c')], new Set());
    expect([...first.sealed, ...second.sealed].map((s) => s.record.seq)).toEqual([1, 2, 3]);
    expectChain(records.docs);
    const published = JSON.parse(second.sealed[0]?.record.message ?? '{}') as { hash: string; prevHash: string };
    expect(published).toMatchObject({ hash: records.docs[2]?.hash, prevHash: records.docs[1]?.hash });
  });

  it('stores an event once: a copy in the batch, and a redelivery of one already stored, are duplicates', async () => {
    const { records, writer } = setup();
    await writer.init();
    await writer.write([event('a')], new Set());
    const result = await writer.write([event('a'), event('b'), event('b')], new Set(['a']));
    expect(result.sealed.map((s) => s.item.draft.id)).toEqual(['b']);
    expect(result.duplicates.map((d) => d.draft.id)).toEqual(['b', 'a']);
    // Not flagged as a redelivery (re-published after the de-duplication window): the unique _id catches it.
    const again = await writer.write([event('a'), event('c')], new Set());
    expect(again.duplicates.map((d) => d.draft.id)).toEqual(['a']);
    expect(again.sealed.map((s) => [s.item.draft.id, s.record.seq])).toEqual([['c', 3]]);
    expectChain(records.docs);
  });

  it('gives up a record the database refuses twice, and seals the rest without a gap', async () => {
    const { records, writer } = setup();
    await writer.init();
    records.refuse = (doc) => doc._id === 'poison';
    const result = await writer.write([event('a'), event('poison'), event('b')], new Set());
    expect(result.refused).toEqual([{ item: expect.objectContaining({ draft: expect.objectContaining({ id: 'poison' }) }), reason: 'the database refused the record: unsupported value' }]);
    expect(result.sealed.map((s) => [s.item.draft.id, s.record.seq])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expectChain(records.docs);
  });

  it('tries a record the database refused once again, and stores it if the fault has passed', async () => {
    const { records, writer } = setup();
    await writer.init();
    let refusals = 0;
    records.refuse = (doc) => doc._id === 'flaky' && refusals++ === 0;
    const result = await writer.write([event('flaky'), event('b')], new Set());
    expect(result.refused).toEqual([]);
    expect(result.sealed.map((s) => s.item.draft.id)).toEqual(['flaky', 'b']);
    expectChain(records.docs);
  });

  it('refuses to extend a chain whose tail is behind its head marker or DV_AUDIT', async () => {
    const { records, chain, writer } = setup();
    await writer.init();
    await writer.write([event('a'), event('b'), event('c')], new Set());
    await writer.saveHead();
    const last = records.docs.pop();
    const again = new ChainWriter({ records, chain } as unknown as AuditCollections);
    expect((await again.init()).problem).toMatchObject({ seq: 3, problem: 'removed' });
    await expect(again.write([event('d')], new Set())).rejects.toThrow(/tail does not match/);

    // Put back; a DV_AUDIT copy that disagrees with the record at its seq.
    if (last) records.docs.push(last);
    const third = new ChainWriter({ records, chain } as unknown as AuditCollections);
    expect((await third.init({ seq: 2, hash: 'f'.repeat(64) })).problem).toMatchObject({ seq: 2, problem: 'changed' });
    const fourth = new ChainWriter({ records, chain } as unknown as AuditCollections);
    expect((await fourth.init({ seq: 3, hash: last?.hash ?? '' })).problem).toBeUndefined();
  });
});

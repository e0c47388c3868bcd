import { GENESIS_HASH } from '@dv/contracts';
import { checkText } from '../chain/record-check';
import { type AuditCollections, parseRecordText } from '../records/audit-record.model';
import { AuditStore } from '../store/audit-store';
import { decodeTexts } from '../store/segment-codec';
import { ChainWriter, prepareDraft } from './chain-writer';
import { eventToDraft } from './event-to-record';

type Doc = { _id: string } & Record<string, unknown>;
type Update = { $set?: Record<string, unknown>; $setOnInsert?: Record<string, unknown>; $push?: Record<string, { $each: unknown[] }> };
type Op = {
  updateOne?: { filter: { _id: string }; update: Update; upsert?: boolean };
  replaceOne?: { filter: { _id: string }; replacement: Record<string, unknown>; upsert?: boolean };
};

/**
 * A collection in memory, as far as the store uses one (by `_id` only, as on FerretDB): insertMany
 * (ordered: stops at the first conflict or refused document; unordered: reports each), findOne,
 * replaceOne, updateOne ($set, $setOnInsert, $push $each; a `seq: {$lt}` guard), bulkWrite, deleteOne.
 */
class FakeCollection {
  readonly docs = new Map<string, Doc>();
  refuse: (doc: Doc) => boolean = () => false;

  insertMany(docs: Doc[], options: { ordered?: boolean } = {}): Promise<void> {
    const errors: { index: number; code: number; errmsg: string }[] = [];
    for (const [index, doc] of docs.entries()) {
      const duplicate = this.docs.has(doc._id);
      if (duplicate || this.refuse(doc)) {
        const code = duplicate ? 11000 : 2;
        errors.push({ index, code, errmsg: duplicate ? 'E11000 duplicate key' : 'unsupported value' });
        if (options.ordered !== false) break;
        continue;
      }
      this.docs.set(doc._id, { ...doc });
    }
    if (errors.length === 0) return Promise.resolve();
    const first = errors[0] as { code: number; errmsg: string };
    return Promise.reject(Object.assign(new Error(first.errmsg), { code: first.code, writeErrors: errors }));
  }

  insertOne(doc: Doc): Promise<void> {
    return this.insertMany([doc]);
  }

  find(): { toArray: () => Promise<Doc[]> } {
    return { toArray: () => Promise.resolve([...this.docs.values()].map((d) => ({ ...d }))) };
  }

  findOne(filter: { _id: string }): Promise<Doc | null> {
    const doc = this.docs.get(filter._id);
    return Promise.resolve(doc ? { ...doc } : null);
  }

  replaceOne(filter: { _id: string }, replacement: Record<string, unknown>, options: { upsert?: boolean } = {}): Promise<void> {
    if (this.docs.has(filter._id) || options.upsert) this.docs.set(filter._id, { ...replacement, _id: filter._id });
    return Promise.resolve();
  }

  updateOne(filter: { _id: string; seq?: { $lt: number } }, update: Update, options: { upsert?: boolean } = {}): Promise<{ matchedCount: number }> {
    const current = this.docs.get(filter._id);
    if (current && filter.seq && !((current['seq'] as number) < filter.seq.$lt)) return Promise.resolve({ matchedCount: 0 });
    if (!current && !options.upsert) return Promise.resolve({ matchedCount: 0 });
    const doc: Doc = current ?? { _id: filter._id, ...update.$setOnInsert };
    Object.assign(doc, update.$set ?? {});
    for (const [k, v] of Object.entries(update.$push ?? {})) doc[k] = [...((doc[k] as unknown[] | undefined) ?? []), ...v.$each];
    this.docs.set(filter._id, doc);
    return Promise.resolve({ matchedCount: current ? 1 : 0 });
  }

  async bulkWrite(ops: Op[]): Promise<void> {
    for (const op of ops) {
      if (op.updateOne) await this.updateOne(op.updateOne.filter, op.updateOne.update, op.updateOne);
      if (op.replaceOne) await this.replaceOne(op.replaceOne.filter, op.replaceOne.replacement, op.replaceOne);
    }
  }

  deleteOne(filter: { _id: string }): Promise<void> {
    this.docs.delete(filter._id);
    return Promise.resolve();
  }
}

function setup() {
  const c = { segments: new FakeCollection(), summaries: new FakeCollection(), chain: new FakeCollection() };
  // One segment table (the store spreads them over many; the writer cannot tell).
  const collections = { segments: () => c.segments, summaries: c.summaries, chain: c.chain };
  const stores: AuditStore[] = [];
  const newWriter = (): ChainWriter => {
    const store = new AuditStore(collections as unknown as AuditCollections);
    stores.push(store);
    return new ChainWriter(store);
  };
  const writer = newWriter();
  return { c, writer, newWriter, store: (k = 0): AuditStore => stores[k] as AuditStore };
}

type Fakes = ReturnType<typeof setup>['c'];

/** Every stored text in seq order, read from the segments as a reader would (page start, then each end). */
function storedTexts(c: Fakes): string[] {
  const out: string[] = [];
  let next = 1;
  for (;;) {
    const doc = c.segments.docs.get(`s${String(next).padStart(12, '0')}`);
    if (!doc) return out;
    out.push(...decodeTexts(doc['z'] as Buffer));
    next = (doc['last'] as number) + 1;
  }
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

function expectChain(c: Fakes): string[] {
  const texts = storedTexts(c);
  texts.forEach((text, i) => {
    const checked = checkText(text);
    expect(checked.hashMatches).toBe(true);
    expect(checked.record?.seq).toBe(i + 1);
    expect(checked.record?.prevHash).toBe(i === 0 ? GENESIS_HASH : parseRecordText(texts[i - 1] as string).hash);
  });
  return texts.map((t) => parseRecordText(t).id);
}

describe('ChainWriter', () => {
  it('seals a batch with consecutive seqs, each linked to the one before, stored as published', async () => {
    const { c, writer } = setup();
    await writer.init();
    const first = await writer.write([event('a'), event('b')]);
    const second = await writer.write([event('c')]);
    expect([...first.sealed, ...second.sealed].map((s) => s.record.seq)).toEqual([1, 2, 3]);
    expect(expectChain(c)).toEqual(['a', 'b', 'c']);
    expect(storedTexts(c)[2]).toBe(second.sealed[0]?.record.message);
  });

  it('stores an event once: a copy in the batch, and a redelivery or re-publish of one already stored, are duplicates', async () => {
    const { c, writer, store } = setup();
    await writer.init();
    await writer.write([event('a')]);
    const result = await writer.write([event('a'), event('b'), event('b')]);
    expect(result.sealed.map((s) => [s.item.draft.id, s.record.seq])).toEqual([['b', 2]]);
    expect(result.duplicates.map((d) => d.draft.id).sort()).toEqual(['a', 'b']);
    const again = await writer.write([event('a'), event('c')]);
    expect(again.duplicates.map((d) => d.draft.id)).toEqual(['a']);
    expect(again.sealed.map((s) => [s.item.draft.id, s.record.seq])).toEqual([['c', 3]]);
    expect(expectChain(c)).toEqual(['a', 'b', 'c']);
    expect(store().index.seqOfEvent('c')).toBe(3);
  });

  it('knows the recorded events after a restart (the index is rebuilt from the store): a redelivery is a duplicate', async () => {
    const { c, writer, newWriter } = setup();
    await writer.init();
    await writer.write(Array.from({ length: 2100 }, (_, i) => event(`e${i}`)));
    // The first group (2,000 seqs) is complete: its summary was written once.
    expect([...c.summaries.docs.values()].map((d) => [d['first'], d['last']])).toEqual([[1, 2000]]);
    const restarted = newWriter();
    await restarted.init();
    const again = await restarted.write([event('e5'), event('e2050'), event('new')]);
    expect(again.duplicates.map((d) => d.draft.id).sort()).toEqual(['e2050', 'e5']);
    expect(again.sealed.map((s) => [s.item.draft.id, s.record.seq])).toEqual([['new', 2101]]);
  });

  it('writes a missing or wrong group summary again from the records at start', async () => {
    const { c, writer, newWriter, store } = setup();
    await writer.init();
    await writer.write(Array.from({ length: 2050 }, (_, i) => event(`e${i}`)));
    const summary = c.summaries.docs.get('g000000000') as Doc;
    c.summaries.docs.clear();
    const restarted = newWriter();
    await restarted.init();
    expect(c.summaries.docs.get('g000000000')).toMatchObject({ first: 1, last: 2000 });
    expect(store(1).index.seqOfEvent('e1999')).toBe(2000);
    // A summary that no longer reads back is written again too.
    c.summaries.docs.set('g000000000', { ...summary, pages: [{ ...(summary['pages'] as object[])[0], first: 7 }] });
    const third = newWriter();
    await third.init();
    expect(store(2).index.seqOfEvent('e10')).toBe(11);
    expect((c.summaries.docs.get('g000000000')?.['pages'] as unknown[]).length).toBe(20);
    expect((await third.write([event('e3')])).duplicates).toHaveLength(1);
  });

  it('gives up a record the database refuses twice, and seals the rest without a gap', async () => {
    const { c, writer } = setup();
    await writer.init();
    c.segments.refuse = (doc) => decodeTexts(doc['z'] as Buffer).some((t) => parseRecordText(t).id === 'poison');
    const result = await writer.write([event('a'), event('poison'), event('b')]);
    expect(result.refused).toEqual([
      { item: expect.objectContaining({ draft: expect.objectContaining({ id: 'poison' }) }), reason: 'the database refused the record: unsupported value' },
    ]);
    expect(result.sealed.map((s) => [s.item.draft.id, s.record.seq])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(expectChain(c)).toEqual(['a', 'b']);
  });

  it('tries a record the database refused once again, and stores it if the fault has passed', async () => {
    const { c, writer } = setup();
    await writer.init();
    let refusals = 0;
    c.segments.refuse = (doc) => decodeTexts(doc['z'] as Buffer).some((t) => parseRecordText(t).id === 'flaky') && refusals++ === 0;
    const result = await writer.write([event('flaky'), event('b')]);
    expect(result.refused).toEqual([]);
    expect(result.sealed.map((s) => s.item.draft.id)).toEqual(['flaky', 'b']);
    expect(expectChain(c)).toEqual(['flaky', 'b']);
  });

  it('does not fork the chain: a second writer with a stale head re-reads it and seals after', async () => {
    const { c, writer, newWriter } = setup();
    await writer.init();
    const other = newWriter();
    await other.init();
    await writer.write([event('a'), event('b')]);
    const result = await other.write([event('c')]);
    expect(result.sealed.map((s) => [s.item.draft.id, s.record.seq])).toEqual([['c', 3]]);
    expect(expectChain(c)).toEqual(['a', 'b', 'c']);
    // The other writer's records were indexed on the way (a redelivery of one of them is a duplicate).
    expect((await other.write([event('a')])).duplicates).toHaveLength(1);
  });

  it('merges a full page into one document, and reads across pages', async () => {
    const { c, writer } = setup();
    await writer.init();
    for (let i = 0; i < 150; i++) await writer.write([event(`e${i}`)]);
    expect(c.segments.docs.get('s000000000001')).toMatchObject({ first: 1, last: 100 });
    expect(expectChain(c)).toHaveLength(150);
    const big = await writer.write(Array.from({ length: 250 }, (_, i) => event(`big${i}`)));
    expect(big.sealed).toHaveLength(250);
    expect(c.segments.docs.get('s000000000101')).toMatchObject({ first: 101, last: 200 });
    expect(c.segments.docs.get('s000000000301')).toMatchObject({ first: 301, last: 400 });
    expect(expectChain(c)).toHaveLength(400);
  });

  it('refuses to extend a chain whose tail is behind its head marker or DV_AUDIT', async () => {
    const { c, writer, newWriter } = setup();
    await writer.init();
    await writer.write([event('a'), event('b')]);
    await writer.write([event('c')]);
    await writer.saveHead();
    const lastSegment = c.segments.docs.get('s000000000003') as Doc;
    c.segments.docs.delete('s000000000003');
    const again = newWriter();
    expect((await again.init()).problem).toMatchObject({ seq: 3, problem: 'removed' });
    await expect(again.write([event('d')])).rejects.toThrow(/tail does not match/);

    // Put back; a DV_AUDIT copy that disagrees with the record at its seq.
    c.segments.docs.set(lastSegment._id, lastSegment);
    expect((await newWriter().init({ seq: 2, hash: 'f'.repeat(64) })).problem).toMatchObject({ seq: 2, problem: 'changed' });
    const lastHash = parseRecordText(storedTexts(c)[2] as string).hash;
    expect((await newWriter().init({ seq: 3, hash: lastHash })).problem).toBeUndefined();
  });
});

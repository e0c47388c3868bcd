import { DvError } from '@dv/contracts';
import { EventPublisher, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { type Connection, type Model } from 'mongoose';
import { GuardedStore, OutboxRelay, connectMongo, deleteAtVersion, insertWithEvents, readAggregate, updateWithEvents } from '../src';
import { type Widget, widgetCreated, widgetModel, widgetRecolored } from './fixtures/widget.model';

// Issue 12, finding 1: on FerretDB (SQLite or PostgreSQL) an update is a read, then a write by _id,
// so two writers racing on the same {_id, version} guard both "succeeded" and one change was lost.
// These races run against the test bed's MongoDB-wire server (FerretDB by default, mongod where installed).

const actor = { id: 'tester', type: 'user' } as const;
const PAIRS = 40;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the workspace jest config, which starts the test bed`);
  return value;
}

function settledOk<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

function conflictsOnly(results: PromiseSettledResult<unknown>[]): void {
  for (const r of results) {
    if (r.status === 'rejected') {
      expect(r.reason).toBeInstanceOf(DvError);
      expect(['CONFLICT', 'NOT_FOUND']).toContain((r.reason as DvError).code);
    }
  }
}

describe('version-guarded writes are atomic on the test bed store', () => {
  let connection: Connection;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let model: Model<Widget>;

  beforeAll(async () => {
    connection = await connectMongo({ url: env('MONGO_URL'), dbName: 'persistence_race_test' });
    // The bed's open nats-server (jest global setup says why): the persistence library's tests publish event types no platform client has.
    nc = await connectNats({ url: env('NATS_URL'), name: 'guarded-race-test' });
    await ensureStreams(nc);
    publisher = new EventPublisher(nc, 'dv/test');
    model = widgetModel(connection, `widgets_race_${randomUUID().slice(0, 8)}`);
    await model.init();
  });

  afterAll(async () => {
    await drainNats(nc);
    await connection.close();
  });

  async function newWidget(): Promise<string> {
    const id = randomUUID();
    await insertWithEvents(model, { _id: id, name: `w-${id}`, color: 'red' }, (version) => [
      publisher.envelope(widgetCreated, { widgetId: id, name: `w-${id}`, color: 'red' }, { actor, subject: id, aggregateVersion: version }),
    ]);
    return id;
  }

  function recolor(id: string, expected: number, color: string): Promise<Widget> {
    return updateWithEvents(model, id, expected, { $set: { color } }, (version) => [
      publisher.envelope(widgetRecolored, { widgetId: id, color }, { actor, subject: id, aggregateVersion: version }),
    ]);
  }

  it(`two updates racing on the same version: exactly one wins, and its change and event are the ones kept (${PAIRS} pairs)`, async () => {
    let doubleWins = 0;
    for (let i = 0; i < PAIRS; i++) {
      const id = await newWidget();
      const results = await Promise.allSettled([recolor(id, 1, 'blue'), recolor(id, 1, 'green')]);
      conflictsOnly(results);
      const winners = settledOk(results);
      if (winners.length !== 1) doubleWins++;
      const stored = await readAggregate(model, id);
      expect(stored?.version).toBe(2);
      // The winner's change is what is stored, with exactly the winner's event appended.
      expect(stored?.color).toBe(winners[0]?.color);
      expect(stored?.outbox.map((e) => e.type)).toEqual([widgetCreated.type, widgetRecolored.type]);
      expect((stored?.outbox[1]?.data as { color: string }).color).toBe(winners[0]?.color);
    }
    expect(doubleWins).toBe(0);
  });

  it('an update racing a guarded delete: never both, and an acknowledged delete stays deleted', async () => {
    for (let i = 0; i < PAIRS; i++) {
      const id = await newWidget();
      const results = await Promise.allSettled([recolor(id, 1, 'blue'), deleteAtVersion(model, id, 1, 'widget')]);
      conflictsOnly(results);
      const [update, del] = results;
      expect(update?.status === 'fulfilled' && del?.status === 'fulfilled').toBe(false);
      const stored = await readAggregate(model, id);
      if (del?.status === 'fulfilled') {
        expect(stored).toBeNull();
        expect(await model.findById(id).lean()).toBeNull();
      } else {
        expect(stored?.color).toBe('blue');
      }
    }
  });

  it('the outbox relay removing published events never undoes a concurrent write', async () => {
    const relay = new OutboxRelay(model, publisher);
    for (let i = 0; i < PAIRS; i++) {
      const id = await newWidget();
      const results = await Promise.allSettled([relay.flush(id), recolor(id, 1, 'violet')]);
      const [flushed, recolored] = results;
      if (flushed?.status !== 'fulfilled' || recolored?.status !== 'fulfilled') throw new Error(`widget ${id}: flush or recolor failed`);
      const stored = await readAggregate(model, id);
      expect(stored?.color).toBe('violet');
      expect(stored?.version).toBe(2);
      // The flush published the created event, and the recolor event too if it read after the recolor;
      // whatever it did not publish is still pending: no event silently dropped.
      const pending = stored?.outbox.map((e) => e.type) ?? [];
      expect(pending).not.toContain(widgetCreated.type);
      if (flushed.value.published.length === 1) expect(pending).toEqual([widgetRecolored.type]);
      else expect({ published: flushed.value.published.length, pending }).toEqual({ published: 2, pending: [] });
      await relay.flush(id);
      expect((await readAggregate(model, id))?.outbox).toEqual([]);
    }
  });

  it('many writers on one aggregate: every acknowledged change is one version, none lost', async () => {
    const id = await newWidget();
    const writers = 4;
    const rounds = 8;
    const acknowledged: number[] = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let r = 0; r < rounds; r++) {
          for (;;) {
            const current = await readAggregate(model, id);
            if (!current) throw new Error('widget vanished');
            try {
              const written = await recolor(id, current.version, `c${w}-${r}`);
              acknowledged.push(written.version);
              break;
            } catch (error) {
              if (!(error instanceof DvError) || error.code !== 'CONFLICT') throw error;
            }
          }
        }
      }),
    );
    const stored = await readAggregate(model, id);
    expect(new Set(acknowledged).size).toBe(writers * rounds);
    expect(stored?.version).toBe(1 + writers * rounds);
    const versions = stored?.outbox.map((e) => e.aggregateversion) ?? [];
    expect(versions).toEqual(Array.from({ length: 1 + writers * rounds }, (_, i) => i + 1));
  }, 120_000);
});

describe('a writer that dies between its claim and the document', () => {
  let connection: Connection;
  let model: Model<Widget>;

  beforeAll(async () => {
    connection = await connectMongo({ url: env('MONGO_URL'), dbName: 'persistence_race_test' });
    model = widgetModel(connection, `widgets_claims_${randomUUID().slice(0, 8)}`);
    await model.init();
  });

  afterAll(async () => {
    await connection.close();
  });

  it('leaves a claim that the next reader rolls forward and maintenance folds in and prunes', async () => {
    const id = randomUUID();
    const store = new GuardedStore(model, { retentionMs: 0 });
    await store.insert({ _id: id, name: `w-${id}`, color: 'red', version: 1, outbox: [] });
    // What a writer that died after its claim leaves behind: revision 2 claimed, the document still at 1.
    await store.claims.insertOne({
      _id: `${id}@2`,
      aggregateId: id,
      rev: 2,
      doc: { _id: id, name: `w-${id}`, color: 'teal', version: 2, outbox: [], rev: 2 },
      at: new Date(),
    } as never);
    expect((await model.findById(id).lean())?.color).toBe('red');
    expect((await store.read(id))?.color).toBe('teal');
    expect((await model.findById(id).lean())?.color).toBe('teal');
    // A second writer expecting the old version is refused; one expecting the claimed one wins revision 3.
    await expect(updateWithEvents(model, id, 1, { $set: { color: 'x' } }, () => [])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await updateWithEvents(model, id, 2, { $set: { color: 'navy' } }, () => [])).rev).toBe(3);
    expect(await store.maintain(Date.now() + 1)).toBe(2);
    expect(await store.claims.countDocuments({ aggregateId: id } as never)).toBe(0);
    expect((await store.read(id))?.color).toBe('navy');
  });

  it("a document deleted and inserted again under its id never rolls into the old one's revisions", async () => {
    const id = randomUUID();
    const store = new GuardedStore(model);
    await store.insert({ _id: id, name: `w-${id}`, color: 'red', version: 1, outbox: [] });
    await updateWithEvents(model, id, 1, { $set: { color: 'old' } }, () => []);
    await deleteAtVersion(model, id, 2, 'widget');
    const again = await store.insert({ _id: id, name: `w-${id}`, color: 'new', version: 1, outbox: [] });
    expect(again.rev).toBe(4);
    expect((await store.read(id))?.color).toBe('new');
    expect((await updateWithEvents(model, id, 1, { $set: { color: 'newer' } }, () => [])).rev).toBe(5);
    expect((await readAggregate(model, id))?.color).toBe('newer');
  });

  it('a claimed delete whose writer died is finished by the next reader', async () => {
    const id = randomUUID();
    const store = new GuardedStore(model);
    await store.insert({ _id: id, name: `w-${id}`, color: 'red', version: 1, outbox: [] });
    await store.claims.insertOne({ _id: `${id}@2`, aggregateId: id, rev: 2, deleted: true, at: new Date() } as never);
    expect(await store.read(id)).toBeNull();
    expect(await model.findById(id).lean()).toBeNull();
  });
});

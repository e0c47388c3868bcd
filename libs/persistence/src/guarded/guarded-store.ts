import { DvError } from '@dv/contracts';
import { type Collection, type Model } from 'mongoose';
import { isDuplicateKeyError, mapMongoError } from '../errors/map-mongo-error';

/** A document kept by a guarded store: `rev` counts every stored change (1 at insert). */
export interface Revisioned {
  _id: string;
  rev?: number;
}

/** What a change decides, given the current document: the next one, or nothing to write. */
export type Decide<T> = (current: T) => T | null;

/** One claimed revision: the whole document after the change (or a tombstone), keyed `<id>@<rev>`. */
type RevisionClaim = {
  _id: string;
  aggregateId: string;
  rev: number;
  doc?: Record<string, unknown>;
  deleted?: boolean;
  at: Date;
};

export interface GuardedStoreOptions {
  /** Attempts when another writer claims the same revision first and the change still applies. */
  maxAttempts?: number;
  /** A writer slower than this between its read and its claim gives up (claims older than the retention may be pruned). */
  claimDeadlineMs?: number;
  /** Claims older than this are folded into their document and removed by `maintain()`. */
  retentionMs?: number;
}

const DEFAULTS = { maxAttempts: 20, claimDeadlineMs: 10_000, retentionMs: 60_000 };

function claimId(id: string, rev: number): string {
  return `${id}@${rev}`;
}

function revOf(doc: Revisioned): number {
  return typeof doc.rev === 'number' ? doc.rev : 1;
}

/**
 * Optimistic concurrency that does not trust the store's conditional updates.
 *
 * Measured (issue 12): FerretDB 1.24, on SQLite and on PostgreSQL, applies `findOneAndUpdate({_id,
 * version})`, `updateOne` and `deleteOne` as a read, then a write by `_id` alone, so two writers racing on
 * one guard both succeed and one change is lost. What every store we ship does enforce is a unique
 * `_id` on insert. So a change is made by inserting a *claim* for the document's next revision,
 * `<id>@<rev+1>`, holding the whole document after the change: exactly one writer can insert it, and
 * the claim is the commit point. The document in the collection (the head) is then replaced with it;
 * a reader that finds a claim beyond the head (a writer died in between, or a slower writer replaced
 * the head with an older revision) rolls the head forward. Claims are pruned once folded into the head
 * and older than the retention; a writer takes at most `claimDeadlineMs` from its read to its claim, so
 * a pruned claim can never be claimed again by a writer that read before it. Decision 0012.
 */
export class GuardedStore<T extends Revisioned> {
  private readonly options: typeof DEFAULTS;
  readonly claims: Collection<RevisionClaim>;
  private readonly head: Collection<T>;

  constructor(
    readonly model: Model<T>,
    options: GuardedStoreOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.head = model.collection as unknown as Collection<T>;
    this.claims = model.db.collection<RevisionClaim>(`${model.collection.collectionName}_revisions`);
  }

  /** The current document: the head, rolled forward through any claim beyond it. Null when absent or deleted. */
  async read(id: string): Promise<T | null> {
    const head = (await this.head.findOne({ _id: id } as never)) as T | null;
    return this.rollForward(id, head);
  }

  /**
   * Inserts a new document; a unique-key violation is CONFLICT and writes nothing. Its first revision
   * follows the claims a deleted document of the same id may have left (until they are pruned), so a
   * reader never rolls the new document into the old one's revisions.
   */
  async insert(doc: T, what = 'document', uniqueFields?: string, options: { typed?: boolean } = {}): Promise<T> {
    let last = 1;
    while (await this.claims.findOne({ _id: claimId(doc._id, last + 1) } as never, { projection: { _id: 1 } })) last++;
    const rev = last === 1 ? 1 : last + 1;
    // `typed`: the caller built a complete document of the schema's types in code (no outside input), so
    // mongoose's casting and validation (about as much CPU as the insert itself) are left out.
    let full: T;
    if (options.typed === true) {
      full = { ...doc, rev };
    } else {
      const checked = new this.model(doc);
      await checked.validate();
      full = { ...(checked.toObject({ versionKey: false }) as unknown as T), rev };
    }
    try {
      await this.head.insertOne(full as never);
    } catch (error) {
      throw mapMongoError(error, what, uniqueFields);
    }
    return full;
  }

  /**
   * Changes one document: `decide` sees the current document and returns the next one (or null: nothing
   * to write, the result is null). Exactly one writer wins each revision; a writer that loses to another
   * reads again and decides again, so `decide` must re-check its own preconditions (and throw a DvError
   * when they no longer hold). NOT_FOUND when the document is absent.
   */
  async change(id: string, decide: Decide<T>, what = 'document', uniqueFields?: string): Promise<T | null> {
    for (let attempt = 1; ; attempt++) {
      const readAt = Date.now();
      const current = await this.read(id);
      if (!current) throw DvError.notFound(`${what} ${id} does not exist`);
      const decided = decide(current);
      if (!decided) return null;
      const rev = revOf(current) + 1;
      const next: T = { ...decided, _id: id, rev };
      if (Date.now() - readAt > this.options.claimDeadlineMs) throw DvError.unavailable(`writing ${what} ${id} took too long; try again`);
      if (await this.claim(id, rev, next)) {
        await this.materialize(id, rev, next, what, uniqueFields);
        return next;
      }
      if (attempt >= this.options.maxAttempts) throw DvError.conflict(`${what} ${id} is being changed by many writers at once; try again`, { id });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  /** Deletes one document if `decide` agrees with the current one (false: keep it). NOT_FOUND when absent. */
  async remove(id: string, decide: (current: T) => boolean, what = 'document'): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const readAt = Date.now();
      const current = await this.read(id);
      if (!current) throw DvError.notFound(`${what} ${id} does not exist`);
      if (!decide(current)) return false;
      const rev = revOf(current) + 1;
      if (Date.now() - readAt > this.options.claimDeadlineMs) throw DvError.unavailable(`deleting ${what} ${id} took too long; try again`);
      if (await this.claim(id, rev, undefined)) {
        await this.head.deleteOne({ _id: id } as never);
        return true;
      }
      if (attempt >= this.options.maxAttempts) throw DvError.conflict(`${what} ${id} is being changed by many writers at once; try again`, { id });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  /**
   * Folds claims older than the retention into their documents, then removes them. Run it now and then
   * (the outbox relay does, every few seconds): it finishes the changes of writers that died between claim
   * and head, and keeps the claims collection small. Returns how many claims were removed.
   */
  async maintain(now = Date.now()): Promise<number> {
    const old = await this.claims
      .find({ at: { $lt: new Date(now - this.options.retentionMs) } } as never, { projection: { _id: 1, aggregateId: 1 } })
      .limit(1000)
      .toArray();
    if (old.length === 0) return 0;
    for (const id of new Set(old.map((c) => c.aggregateId))) await this.read(id);
    const result = await this.claims.deleteMany({ _id: { $in: old.map((c) => c._id) } } as never);
    return result.deletedCount;
  }

  private async claim(id: string, rev: number, doc: T | undefined): Promise<boolean> {
    const claim: RevisionClaim = {
      _id: claimId(id, rev),
      aggregateId: id,
      rev,
      ...(doc ? { doc: doc as unknown as Record<string, unknown> } : { deleted: true }),
      at: new Date(),
    } as RevisionClaim;
    try {
      await this.claims.insertOne(claim as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** Replaces the head with the claimed revision, then makes sure no slower writer left an older one there. */
  private async materialize(id: string, rev: number, next: T, what: string, uniqueFields?: string): Promise<void> {
    try {
      await this.head.replaceOne({ _id: id } as never, next as never);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // The change breaks another unique key: it cannot be stored, so the claim is withdrawn (nothing was acknowledged).
      await this.claims.deleteOne({ _id: claimId(id, rev) } as never);
      throw mapMongoError(error, what, uniqueFields);
    }
    await this.settle(id);
  }

  /**
   * A replace is itself a read-then-write on FerretDB, so a slower writer of an older revision can land
   * its replace after ours. Whoever writes the head checks afterwards that it is the latest claimed
   * revision, and rolls it forward if not: the last writer to land always heals what it overwrote.
   */
  private async settle(id: string): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const head = (await this.head.findOne({ _id: id } as never)) as T | null;
      if (!head) return;
      const next = await this.claims.findOne({ _id: claimId(id, revOf(head) + 1) } as never);
      if (!next) return;
      await this.rollForward(id, head, false);
    }
  }

  private async rollForward(id: string, head: T | null, settle = true): Promise<T | null> {
    if (!head) return null;
    let latest: T | null = head;
    let rev = revOf(head);
    let tombstone = false;
    for (;;) {
      const claim = await this.claims.findOne({ _id: claimId(id, rev + 1) } as never);
      if (!claim) break;
      rev++;
      if (claim.deleted) {
        tombstone = true;
        latest = null;
        break;
      }
      latest = claim.doc as unknown as T;
    }
    if (tombstone) {
      await this.head.deleteOne({ _id: id } as never);
      return null;
    }
    if (latest && rev > revOf(head)) {
      try {
        await this.head.replaceOne({ _id: id } as never, latest as never);
      } catch (error) {
        // A claim whose document breaks a unique key was never acknowledged: withdraw it and keep the head.
        if (!isDuplicateKeyError(error)) throw error;
        await this.claims.deleteOne({ _id: claimId(id, rev) } as never);
        return this.read(id);
      }
      if (settle) await this.settle(id);
    }
    return latest;
  }
}

const stores = new WeakMap<Model<Revisioned>, GuardedStore<Revisioned>>();

/** The guarded store of a model (one per model, so every writer of a collection shares its options). */
export function guardedStore<T extends Revisioned>(model: Model<T>): GuardedStore<T> {
  const key = model as unknown as Model<Revisioned>;
  let store = stores.get(key);
  if (!store) {
    store = new GuardedStore(key);
    stores.set(key, store);
  }
  return store as unknown as GuardedStore<T>;
}

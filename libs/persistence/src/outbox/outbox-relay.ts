import { Logger } from '@nestjs/common';
import { DvError, type EventEnvelope } from '@dv/contracts';
import { type EventPublisher, type PublishResult } from '@dv/messaging';
import { type MetricsRegistry } from '@dv/telemetry';
import { type Model } from 'mongoose';
import { type GuardedStore, guardedStore } from '../guarded/guarded-store';
import { type Aggregate } from './aggregate';
import { type OutboxMetrics, outboxMetrics } from './outbox-metrics';

export interface OutboxRelayOptions {
  /** How often pending events are swept up (those whose writer died before publishing). */
  intervalMs?: number;
  /** Aggregates read per sweep. */
  batchSize?: number;
  /** How often revision claims are folded into their documents and pruned (GuardedStore.maintain). */
  maintainEveryMs?: number;
  /** The service's metrics: what each sweep finds still waiting, and failed sweeps (outboxMetrics). */
  metrics?: MetricsRegistry;
}

export interface FlushResult {
  published: PublishResult[];
  /** The highest stream sequence of the aggregate's events: the revision a write replies with. */
  revision: number | undefined;
}

/**
 * Publishes the events waiting in aggregates' outboxes, in order, with `Nats-Msg-Id` = event id,
 * then removes exactly those from the document. Publishing twice (two replicas, a crash between
 * publish and removal) is harmless: JetStream stores an id once within its duplicate window and
 * consumers are idempotent. Runs right after each write (`flush`) and on start and a timer (`sweep`).
 */
export class OutboxRelay<T extends Aggregate> {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private readonly logger: Logger;
  private readonly store: GuardedStore<T>;
  private maintainedAt = 0;
  private readonly metrics: OutboxMetrics | undefined;
  private readonly collection: string;

  constructor(
    private readonly model: Model<T>,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.collection = model.collection.collectionName;
    this.logger = new Logger(`Outbox ${this.collection}`);
    this.store = guardedStore(model);
    this.metrics = options.metrics ? outboxMetrics(options.metrics) : undefined;
  }

  /** Publishes what is pending now, then keeps sweeping on a timer. */
  async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => {
        this.metrics?.sweepFailures.inc({ collection: this.collection });
        this.logger.warn(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Publishes one aggregate's pending events now (right after its write); `own`: the events the caller's write added, whose sequence is the revision. */
  async flush(id: string, own: readonly EventEnvelope[] = []): Promise<FlushResult> {
    const doc = await this.store.read(id);
    const result = doc ? await this.publishPending(doc._id, doc.outbox) : { published: [], revision: undefined };
    if (own.length === 0) return result;
    // With the writer's own events, the revision is theirs exactly: the sequence of the last of them.
    // Another writer's flush (or a sweep) may have published them already: published again, JetStream's
    // duplicate window answers their sequence.
    const seqOf = new Map((doc?.outbox ?? []).map((e, i) => [e.id, result.published[i]?.seq]));
    let revision: number | undefined;
    for (const envelope of own) {
      const seq = seqOf.get(envelope.id) ?? (await this.publisher.publishEnvelope(envelope)).seq;
      revision = revision === undefined || seq > revision ? seq : revision;
    }
    return { published: result.published, revision };
  }

  /** Publishes the events of every aggregate that still has some; returns how many were published. */
  async sweep(): Promise<number> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      let count = 0;
      const docs = await this.model
        .find({ outbox: { $ne: [] } }, { outbox: 1 })
        .limit(this.options.batchSize ?? 100)
        .lean<Pick<T, '_id' | 'outbox'>[]>()
        .exec();
      this.measure(docs);
      for (const doc of docs) count += (await this.publishPending(doc._id, doc.outbox)).published.length;
      if (Date.now() - this.maintainedAt >= (this.options.maintainEveryMs ?? 15_000)) {
        this.maintainedAt = Date.now();
        await this.store.maintain();
      }
      return count;
    })().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /**
   * What the sweep found: events still waiting to be published (a flush publishes right after each write,
   * so these are a writer that died, or NATS away), and how long the oldest has waited. Counted over the
   * sweep's batch (batchSize aggregates): a backlog larger than that reads as at least this much.
   */
  private measure(docs: readonly Pick<T, 'outbox'>[]): void {
    if (!this.metrics) return;
    let pending = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const doc of docs) {
      pending += doc.outbox.length;
      for (const envelope of doc.outbox) oldest = Math.min(oldest, Date.parse(envelope.time));
    }
    const labels = { collection: this.collection };
    this.metrics.pending.set(labels, pending);
    this.metrics.oldestAge.set(labels, Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
  }

  private async publishPending(id: string, outbox: EventEnvelope[]): Promise<FlushResult> {
    const published: PublishResult[] = [];
    for (const envelope of outbox) published.push(await this.publisher.publishEnvelope(envelope));
    if (outbox.length > 0) {
      // Removes exactly the envelopes published (by event id); events appended since stay. A guarded
      // change: a plain update is a read-then-write on FerretDB and would undo a concurrent write.
      const done = new Set(outbox.map((e) => e.id));
      try {
        await this.store.change(id, (current) => {
          const rest = current.outbox.filter((e) => !done.has(e.id));
          return rest.length === current.outbox.length ? null : { ...current, outbox: rest };
        });
      } catch (error) {
        // Deleted meanwhile (its final events were published first): nothing left to remove.
        if (!(error instanceof DvError) || error.code !== 'NOT_FOUND') throw error;
      }
    }
    const revision = published.reduce<number | undefined>((max, p) => (max === undefined || p.seq > max ? p.seq : max), undefined);
    return { published, revision };
  }
}

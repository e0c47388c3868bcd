import { type EventEnvelope, type Revision, STREAMS } from '@dv/contracts';
import { type MetricsRegistry } from '@dv/telemetry';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { type StreamFollower, followStream } from '../events/follow-stream';
import { type AppliedRevision, type RevisionTracker } from '../events/revision-tracker';
import { StreamHeads } from '../events/stream-heads';

/** The streams a projection follows, by their revision key: `events` (DV_EVENTS), `platform` (PLATFORM_EVENTS). */
export type ProjectedStream = keyof AppliedRevision;

const STREAM_OF: Readonly<Record<ProjectedStream, { name: string; subject: string }>> = {
  events: { name: STREAMS.domain.name, subject: 'dv.evt.>' },
  platform: { name: STREAMS.platform.name, subject: 'platform.evt.>' },
};

/** One stream a projection follows: where from, which event types it reads, how it applies one. */
export interface ProjectionFeed {
  stream: ProjectedStream;
  /** First stream sequence to deliver; 1 (the default) replays everything. */
  startSeq?: number;
  /**
   * The event types read and applied; every other message is only counted (it still moves the
   * revision: a caller's `atLeast` may be any event's sequence). All when undefined.
   */
  types?: ReadonlySet<string>;
  /** Asked after `types`: false leaves this message unread too (e.g. a type read only past some sequence). */
  include?: (type: string, seq: number) => boolean;
  /** Applies one event, in stream order; idempotent and quick. */
  apply: (envelope: EventEnvelope, seq: number) => void;
}

export interface StreamProjectionOptions {
  /** The service, for logs and errors. */
  service: string;
  /** Where the applied revision is kept (what reads wait on); the projection moves it with every message. */
  revisions: RevisionTracker;
  /** How long start-up may take to catch up before the service gives up. */
  catchUpMs: number;
  /** The service's metrics: the applied sequence per stream and the projection's sizes are rendered there. */
  metrics?: MetricsRegistry;
}

/**
 * An in-memory view kept from the JetStream streams: the one skeleton of the services' projections
 * (authz's scope tree and rules, sharing's index, volume's read model, admission's directory).
 *
 * Readiness means one thing everywhere: the projection has applied, on each stream it follows, the
 * stream's last sequence as it was when the projection started (read before anything else), and
 * every follower is following (not catching up again after a NATS restart). Start-up (Nest's module
 * init) waits for that, bounded by `catchUpMs`, so a replica neither answers nor reports ready
 * with a view older than the streams were when it started.
 */
export abstract class StreamProjection implements OnModuleInit, OnModuleDestroy {
  protected readonly logger: Logger;
  /** The streams' current heads: reads that must see every acknowledged write wait for them. */
  readonly heads: StreamHeads;
  private readonly followers: StreamFollower[] = [];
  private caughtUp = false;

  protected constructor(
    protected readonly nc: NatsConnection,
    private readonly options: StreamProjectionOptions,
  ) {
    this.logger = new Logger(this.constructor.name);
    this.heads = new StreamHeads(nc);
    // A revision beyond the streams' heads is refused at once, not waited for.
    options.revisions.boundBy(this.heads);
    if (options.metrics) this.registerMetrics(options.metrics);
  }

  /**
   * What to follow and from where, asked once the streams' heads at start are known. A projection
   * that starts from a snapshot loads it here (taken after `headsAtStart`), marks it applied in the
   * tracker and starts its feeds after it.
   */
  protected abstract feeds(headsAtStart: AppliedRevision): Promise<readonly ProjectionFeed[]> | readonly ProjectionFeed[];

  /** What the view holds (volumes, tombstones, scopes…): the start-up log line and the size gauge. */
  protected abstract sizes(): Record<string, number>;

  /** Caught up to the streams' last sequences at start, and following (the readiness check). */
  get ready(): boolean {
    return this.caughtUp && this.followers.every((f) => f.following);
  }

  /** The applied revision per stream. */
  revision(): AppliedRevision {
    return this.options.revisions.current();
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    const read = await this.heads.revision(['events', 'platform']);
    const startHeads: AppliedRevision = { events: read.events ?? 0, platform: read.platform ?? 0 };
    const feeds = await this.feeds(startHeads);
    const target: Revision = {};
    try {
      for (const feed of feeds) {
        target[feed.stream] = startHeads[feed.stream];
        this.followers.push(await this.follow(feed));
      }
      await this.options.revisions.waitFor(target, this.options.catchUpMs);
    } catch (error) {
      await this.stopFollowers();
      throw new Error(
        `${this.options.service}: the projection did not catch up with ${JSON.stringify(target)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.caughtUp = true;
    const held = Object.entries(this.sizes())
      .map(([part, n]) => `${n} ${part}`)
      .join(', ');
    this.logger.log(`caught up with ${JSON.stringify(target)} in ${Date.now() - started} ms: ${held}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.caughtUp = false;
    await this.stopFollowers();
  }

  /**
   * How far a durable consumer of the stream has acknowledged (0 when it does not exist yet): what a
   * snapshot that consumer keeps in MongoDB holds, and where following it starts.
   */
  protected async ackFloor(stream: ProjectedStream, durable: string): Promise<number> {
    const jsm = await jetstreamManager(this.nc, { checkAPI: false });
    try {
      return (await jsm.consumers.info(STREAM_OF[stream].name, durable)).ack_floor.stream_seq;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return 0;
      throw error;
    }
  }

  private async follow(feed: ProjectionFeed): Promise<StreamFollower> {
    const { name, subject } = STREAM_OF[feed.stream];
    const revisions = this.options.revisions;
    // followStream: in order, one subject filter given as a string (NATS permissions, decision 0007), a
    // malformed event skipped but counted, and caught up again within seconds after a NATS restart.
    return followStream(this.nc, {
      stream: name,
      subject,
      startSeq: feed.startSeq ?? 1,
      ...(feed.types ? { types: feed.types } : {}),
      ...(feed.include ? { include: feed.include } : {}),
      apply: feed.apply,
      applied: (seq) => revisions.markApplied(feed.stream, seq),
    });
  }

  private async stopFollowers(): Promise<void> {
    for (const f of this.followers.splice(0)) await f.stop().catch(() => undefined);
  }

  private registerMetrics(metrics: MetricsRegistry): void {
    const applied = metrics.gauge({
      name: 'dv_projection_applied_sequence',
      help: 'The last stream sequence this replica has applied to its in-memory view, per stream.',
      labelNames: ['stream'],
    });
    const ready = metrics.gauge({
      name: 'dv_projection_ready',
      help: "1 once the view has caught up with the streams' last sequences at start and is following them.",
    });
    const size = metrics.gauge({
      name: 'dv_projection_size',
      help: 'What the in-memory view holds, per part (volumes, tombstones, scopes…).',
      labelNames: ['part'],
    });
    metrics.beforeRender(() => {
      const revision = this.revision();
      for (const stream of ['events', 'platform'] as const) applied.set({ stream }, revision[stream]);
      ready.set(undefined, this.ready ? 1 : 0);
      for (const [part, n] of Object.entries(this.sizes())) size.set({ part }, n);
    });
  }
}

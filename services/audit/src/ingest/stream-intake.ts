import { type EventEnvelope, HEADERS, STREAMS, deadLetterSubject, eventEnvelopeSchema, summarizeIssues } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/nats-core';
import { type ConsumerMetrics, consumerMetrics, extractTraceContext, trackPending } from '@dv/messaging';
import { type MetricsRegistry } from '@dv/telemetry';
import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ChainWriter, type PreparedDraft, type SealedBatch, type SealedRecord, prepareDraft } from './chain-writer';
import { isEventEnvelope } from './envelope-check';
import { eventToDraft } from './event-to-record';

/** The durable consumer name on both streams (replicas share it). */
export const AUDIT_DURABLE = 'audit';
/** Both streams, whole: the service need not know every event type in advance. */
const SOURCES = [STREAMS.domain.name, STREAMS.platform.name] as const;
/**
 * Events delivered and not yet acknowledged, in batches: one being inserted, one stored and waiting
 * for its acks, two queued. More would only sit in memory (and cost the garbage collector).
 */
const BATCHES_IN_HAND = 4;
/**
 * How long an event delivered and not acknowledged stays with its receiver: after a crash, the events
 * it had in hand (at most BATCHES_IN_HAND batches) come back after this long. Well above the time a
 * batch waits here when the database answers; during an outage the same events come back every
 * ack_wait and are not queued twice.
 */
const ACK_WAIT_MS = 30_000;
/** After a consumer stopped (deleted, lost), or a batch failed: wait this long, then start again. */
const RESTART_AFTER_MS = 1000;
const RETRY_AFTER_MS = 500;

export interface StreamIntakeOptions {
  batchSize: number;
  /** Called after every batch sealed, in chain order (the relay follows the chain). */
  onSealed: (records: readonly SealedRecord[]) => void;
  /** The service's metrics: each stream's pending events and dead letters (consumerMetrics, as every durable consumer). */
  metrics?: MetricsRegistry;
}

/** A delivered event, parsed, mapped and rendered as it arrived, waiting for its batch. */
interface QueuedEvent extends PreparedDraft {
  readonly msg: JsMsg;
  /** `<stream>:<stream seq>`: a redelivery of an event still queued here is not queued twice. */
  readonly key: string;
  /** From delivery to sealed (or refused): the audit hop of the trace that published the event. */
  readonly span: Span;
}

/** A batch stored, waiting to be acknowledged. */
interface Written {
  batch: QueuedEvent[];
  result: SealedBatch<QueuedEvent>;
}

const tracer = trace.getTracer('audit');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const endWithError = (span: Span, message: string): void => {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
};

/**
 * Durable pull consumers over DV_EVENTS and PLATFORM_EVENTS. Each event is parsed, validated, mapped
 * and rendered (its part of the canonical text) as it arrives, so that work overlaps the insert of
 * the batch before; one loop seals the queue in batches into the chain writer. Events are
 * acknowledged only once their records are stored, so a crash at any point redelivers them and the
 * writer drops those already recorded. An event that cannot be recorded, whatever the reason (not
 * JSON, a bad envelope, data that breaks its contract, no canonical form, refused by the database),
 * goes to `dv.dlq.audit.<subject>` with the reason and is terminated: the stream keeps flowing.
 * The consumers and the loop are supervised: if one ends it is started again, and the intake reports
 * not healthy meanwhile.
 */
export class StreamIntake {
  private readonly logger = new Logger('AuditIntake');
  private readonly js: JetStreamClient;
  private queue: QueuedEvent[] = [];
  private readonly queued = new Set<string>();
  private readonly consuming = new Map<string, ConsumerMessages>();
  private readonly followers: Promise<void>[] = [];
  private wake: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private loopAlive = false;
  private readonly metrics: ConsumerMetrics | undefined;
  private readonly stopTracking: (() => void)[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly writer: ChainWriter,
    private readonly options: StreamIntakeOptions,
  ) {
    this.js = jetstream(nc);
    this.metrics = options.metrics ? consumerMetrics(options.metrics) : undefined;
  }

  /** Every source is being consumed and the sealing loop runs. */
  get healthy(): boolean {
    return this.running && this.loopAlive && this.consuming.size === SOURCES.length;
  }

  async start(): Promise<void> {
    this.running = true;
    // The consumers exist before start() returns: events published from now on are followed.
    for (const stream of SOURCES) await this.ensureConsumer(stream);
    for (const stream of SOURCES) this.followers.push(this.follow(stream));
    this.loop = this.superviseLoop();
    if (this.metrics) {
      const jsm = await jetstreamManager(this.nc);
      for (const stream of SOURCES)
        this.stopTracking.push(trackPending(this.metrics.pending, { stream, consumer: AUDIT_DURABLE }, () => jsm.consumers.info(stream, AUDIT_DURABLE)));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const stop of this.stopTracking.splice(0)) stop();
    for (const messages of this.consuming.values()) await messages.close().catch(() => undefined);
    this.wake?.();
    await Promise.all(this.followers);
    await this.loop;
  }

  /** Consumes one stream until stopped; when the consumer ends (deleted, an error), starts it again. */
  private async follow(stream: string): Promise<void> {
    while (this.running) {
      try {
        await this.ensureConsumer(stream);
        const consumer = await this.js.consumers.get(stream, AUDIT_DURABLE);
        const messages = await consumer.consume({
          max_messages: Math.min(this.options.batchSize * 2, 5000),
          // Stop (and be started again here) rather than wait forever for a consumer someone deleted.
          abort_on_missing_resource: true,
          callback: (msg) => this.accept(msg),
        });
        this.consuming.set(stream, messages);
        if (!this.running) await messages.close();
        const ended = await messages.closed();
        if (!this.running) return;
        this.logger.error(`consuming ${stream} stopped${ended instanceof Error ? `: ${ended.message}` : ''}; starting again`);
      } catch (error) {
        if (!this.running) return;
        this.logger.error(`consuming ${stream} failed: ${messageOf(error)}; trying again`);
      } finally {
        this.consuming.delete(stream);
      }
      await sleep(RESTART_AFTER_MS);
    }
  }

  private async ensureConsumer(stream: string): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const settings = { ack_wait: nanos(ACK_WAIT_MS), max_deliver: -1, max_ack_pending: this.options.batchSize * BATCHES_IN_HAND };
    try {
      const info = await jsm.consumers.info(stream, AUDIT_DURABLE);
      if (
        info.config.ack_wait !== settings.ack_wait ||
        info.config.max_ack_pending !== settings.max_ack_pending ||
        info.config.max_deliver !== settings.max_deliver
      ) {
        await jsm.consumers.update(stream, AUDIT_DURABLE, settings);
      }
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
      await jsm.consumers.add(stream, { ...settings, durable_name: AUDIT_DURABLE, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    }
  }

  /** One delivered event: prepared for the chain now, or dead-lettered with the reason. */
  private accept(msg: JsMsg): void {
    const key = `${msg.info.stream}:${msg.info.streamSequence}`;
    // Redelivered while still waiting here (a long stall): the queued copy is acknowledged for both.
    if (this.queued.has(key)) return;
    const span = tracer.startSpan(
      `${msg.subject} record`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject, 'messaging.consumer.group.name': AUDIT_DURABLE },
      },
      extractTraceContext(msg.headers),
    );
    let prepared: PreparedDraft;
    try {
      prepared = this.prepare(msg);
    } catch (error) {
      void this.deadLetter(msg, messageOf(error));
      endWithError(span, 'dead-lettered');
      return;
    }
    this.queued.add(key);
    this.queue.push({ draft: prepared.draft, text: prepared.text, msg, key, span });
    this.wake?.();
  }

  /** Parses, validates, maps and renders an event; throws (with the reason) when it cannot be recorded. */
  private prepare(msg: JsMsg): PreparedDraft {
    let parsed: unknown;
    try {
      parsed = msg.json<unknown>();
    } catch {
      throw new Error('event is not JSON');
    }
    let envelope: EventEnvelope;
    if (isEventEnvelope(parsed)) envelope = parsed;
    else {
      // The contract has the last word, and the words of the reason.
      const checked = eventEnvelopeSchema.safeParse(parsed);
      if (!checked.success) throw new Error(`malformed event envelope: ${summarizeIssues(checked.error)}`);
      envelope = checked.data;
    }
    if (envelope.type !== msg.subject) throw new Error(`event type ${envelope.type} does not match subject ${msg.subject}`);
    return prepareDraft(eventToDraft(envelope));
  }

  /** Runs the sealing loop, and runs it again should it ever end while the intake runs. */
  private async superviseLoop(): Promise<void> {
    while (this.running) {
      this.loopAlive = true;
      try {
        await this.run();
      } catch (error) {
        this.logger.error(`the sealing loop failed: ${messageOf(error)}; starting it again`);
      }
      this.loopAlive = false;
      if (this.running) await sleep(RETRY_AFTER_MS);
    }
  }

  /**
   * Seals the queue batch by batch. A batch's acknowledgements and its hand-over to the relay happen
   * once the next batch's insert is under way, so the database is not left waiting for them.
   */
  private async run(): Promise<void> {
    let stored: Written | undefined;
    try {
      while (this.running) {
        if (this.queue.length === 0) {
          if (stored) this.finish(stored);
          stored = undefined;
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        const batch = this.queue.length <= this.options.batchSize ? this.queue : this.queue.slice(0, this.options.batchSize);
        this.queue = this.queue.length <= this.options.batchSize ? [] : this.queue.slice(this.options.batchSize);
        const writing = this.write(batch);
        if (stored) this.finish(stored);
        stored = await writing;
        if (stored === undefined) return;
      }
    } finally {
      if (stored) this.finish(stored);
    }
  }

  /** Stores a batch, trying again while the database or NATS is away; undefined when stopped meanwhile. */
  private async write(batch: QueuedEvent[]): Promise<Written | undefined> {
    for (;;) {
      try {
        return { batch, result: await this.writer.write(batch) };
      } catch (error) {
        // Kept unacknowledged: a crash now redelivers the batch, and the writer drops what is stored.
        this.logger.error(`sealing a batch of ${batch.length} failed, retrying: ${messageOf(error)}`);
        if (!this.running) return undefined;
        await sleep(RETRY_AFTER_MS);
      }
    }
  }

  /** After the batch is stored: acknowledge, dead-letter what the database refused, hand the records to the relay. */
  private finish({ batch, result }: Written): void {
    for (const { item } of result.sealed) {
      item.msg.ack();
      item.span.end();
    }
    for (const item of result.duplicates) {
      item.msg.ack();
      item.span.end();
    }
    for (const { item, reason } of result.refused) {
      void this.deadLetter(item.msg, reason);
      endWithError(item.span, 'dead-lettered');
    }
    for (const item of batch) this.queued.delete(item.key);
    if (result.sealed.length > 0) this.options.onSealed(result.sealed.map((s) => s.record));
  }

  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    try {
      const h = natsHeaders();
      if (msg.headers) for (const key of msg.headers.keys()) h.set(key, msg.headers.get(key));
      h.set(HEADERS.deadLetterReason, reason.slice(0, 1000));
      await this.js.publish(deadLetterSubject(AUDIT_DURABLE, msg.subject), msg.data, {
        headers: h,
        msgID: `${AUDIT_DURABLE}:${msg.info.stream}:${msg.info.streamSequence}`,
      });
      msg.term(reason.slice(0, 200));
      this.metrics?.deadLettered.inc({ stream: msg.info.stream, consumer: AUDIT_DURABLE });
      this.logger.warn(`event ${msg.subject} #${msg.info.streamSequence} dead-lettered: ${reason}`);
    } catch (error) {
      // Not dead-lettered: left unacknowledged, it comes back after ack_wait and is tried again.
      this.logger.error(`dead-lettering event ${msg.subject} #${msg.info.streamSequence} failed: ${messageOf(error)}`);
    }
  }
}

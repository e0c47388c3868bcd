import { HEADERS, STREAMS, deadLetterSubject, eventEnvelopeSchema, summarizeIssues } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamClient, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/nats-core';
import { type ChainWriter, type SealedBatch } from './chain-writer';
import { type AuditDraft, UnmappableEvent, eventToDraft } from './event-to-record';

/** The durable consumer name on both streams (replicas share it). */
export const AUDIT_DURABLE = 'audit';
/** Both streams, whole: the service need not know every event type in advance. */
const SOURCES = [STREAMS.domain.name, STREAMS.platform.name] as const;
const MAX_ACK_PENDING = 10_000;
const ACK_WAIT_MS = 30_000;

export interface StreamIntakeOptions {
  batchSize: number;
  /** Called after every batch sealed (the relay follows the chain). */
  onSealed: (batch: SealedBatch) => void;
}

const decoder = new TextDecoder();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Durable pull consumers over DV_EVENTS and PLATFORM_EVENTS feeding one queue, drained by one loop
 * in batches into the chain writer: events are acknowledged only once their records are stored, so a
 * crash at any point redelivers them and the writer drops those already recorded. Malformed events
 * go to `dv.dlq.audit.<subject>` with the reason and are terminated; the stream keeps flowing.
 */
export class StreamIntake {
  private readonly logger = new Logger('AuditIntake');
  private readonly js: JetStreamClient;
  private readonly queue: JsMsg[] = [];
  private readonly subscriptions: ConsumerMessages[] = [];
  private wake: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  ready = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly writer: ChainWriter,
    private readonly options: StreamIntakeOptions,
  ) {
    this.js = jetstream(nc);
  }

  async start(): Promise<void> {
    this.running = true;
    for (const stream of SOURCES) {
      await this.ensureConsumer(stream);
      const consumer = await this.js.consumers.get(stream, AUDIT_DURABLE);
      const messages = await consumer.consume({ max_messages: Math.min(this.options.batchSize * 2, 2000) });
      this.subscriptions.push(messages);
      void (async () => {
        for await (const msg of messages) {
          this.queue.push(msg);
          this.wake?.();
        }
      })();
    }
    this.loop = this.run();
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const s of this.subscriptions) await s.close().catch(() => undefined);
    this.wake?.();
    await this.loop;
  }

  private async ensureConsumer(stream: string): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const settings = { ack_wait: nanos(ACK_WAIT_MS), max_deliver: -1, max_ack_pending: MAX_ACK_PENDING };
    try {
      await jsm.consumers.info(stream, AUDIT_DURABLE);
      await jsm.consumers.update(stream, AUDIT_DURABLE, settings);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
      await jsm.consumers.add(stream, { ...settings, durable_name: AUDIT_DURABLE, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const batch = this.queue.splice(0, this.options.batchSize);
      for (;;) {
        try {
          await this.handle(batch);
          break;
        } catch (error) {
          // The database or NATS is away: keep the batch (unacknowledged) and try again.
          this.logger.error(`sealing a batch of ${batch.length} failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
          if (!this.running) return;
          await sleep(500);
        }
      }
    }
  }

  private async handle(batch: JsMsg[]): Promise<void> {
    const drafts: AuditDraft[] = [];
    const msgOf = new Map<AuditDraft, JsMsg>();
    const redelivered = new Set<string>();
    for (const msg of batch) {
      const draft = await this.parse(msg);
      if (!draft) continue;
      drafts.push(draft);
      msgOf.set(draft, msg);
      if (msg.info.deliveryCount > 1 || msg.redelivered) redelivered.add(draft.id);
    }
    const result = await this.writer.write(drafts, redelivered);
    for (const { draft } of result.sealed) msgOf.get(draft)?.ack();
    for (const draft of result.duplicates) msgOf.get(draft)?.ack();
    if (result.sealed.length > 0) this.options.onSealed(result);
  }

  /** A draft, or undefined when the event was dead-lettered. */
  private async parse(msg: JsMsg): Promise<AuditDraft | undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(msg.data));
    } catch {
      await this.deadLetter(msg, 'event is not JSON');
      return undefined;
    }
    const envelope = eventEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      await this.deadLetter(msg, `malformed event envelope: ${summarizeIssues(envelope.error)}`);
      return undefined;
    }
    if (envelope.data.type !== msg.subject) {
      await this.deadLetter(msg, `event type ${envelope.data.type} does not match subject ${msg.subject}`);
      return undefined;
    }
    try {
      return eventToDraft(envelope.data);
    } catch (error) {
      if (!(error instanceof UnmappableEvent)) throw error;
      await this.deadLetter(msg, error.message);
      return undefined;
    }
  }

  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const h = natsHeaders();
    if (msg.headers) for (const key of msg.headers.keys()) h.set(key, msg.headers.get(key));
    h.set(HEADERS.deadLetterReason, reason.slice(0, 1000));
    await this.js.publish(deadLetterSubject(AUDIT_DURABLE, msg.subject), msg.data, { headers: h, msgID: `${AUDIT_DURABLE}:${msg.info.stream}:${msg.info.streamSequence}` });
    msg.term(reason.slice(0, 200));
    this.logger.warn(`event ${msg.subject} #${msg.info.streamSequence} dead-lettered: ${reason}`);
  }
}

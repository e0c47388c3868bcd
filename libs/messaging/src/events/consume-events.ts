import { Logger } from '@nestjs/common';
import { DvError, HEADERS, type EventData, type EventDefinition, type StreamName, deadLetterSubject, eventEnvelopeSchema, summarizeIssues } from '@dv/contracts';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Semaphore } from '../concurrency/semaphore';
import { extractTraceContext } from '../trace/trace-headers';
import { type EventHandlingContext } from './event-context';

export type EventHandlerFn<E extends EventDefinition> = (data: EventData<E>, ctx: EventHandlingContext) => Promise<void>;

export interface EventSubscription<E extends EventDefinition = EventDefinition> {
  def: E;
  handler: EventHandlerFn<E>;
}

/** A typed subscription: the handler's data type comes from the contract. */
export function on<E extends EventDefinition>(def: E, handler: EventHandlerFn<E>): EventSubscription {
  return { def, handler: handler as EventHandlerFn<EventDefinition> };
}

export interface ConsumeEventsOptions {
  stream: StreamName;
  /** Durable consumer name: the service's name. Replicas share it, so each event goes to one replica. */
  durable: string;
  subscriptions: readonly EventSubscription[];
  /** Deliveries before a failing event goes to the dead-letter subject. */
  maxDeliveries?: number;
  /** Redelivery delay after the n-th failure (the last value repeats). */
  backoffMs?: readonly number[];
  /** How long a delivery may stay unacknowledged before JetStream redelivers it (a dead consumer). */
  ackWaitMs?: number;
  /** Handlers run at once. 1 keeps stream order. */
  maxConcurrent?: number;
  /** Where to start when the durable consumer is first created. */
  deliverPolicy?: 'all' | 'new';
  /**
   * Each event waits one turn of the event loop before it is read. For a service whose requests wait
   * for JetStream acks on the connection its consumer reads from: an event arriving in the same socket
   * read as an ack would otherwise be parsed, validated and handled before the request resumes.
   */
  yieldToRequests?: boolean;
}

export interface EventConsumerHandle {
  stop(): Promise<void>;
}

const tracer = trace.getTracer('@dv/messaging');
const decoder = new TextDecoder();

/** Creates or updates the durable pull consumer for these event types. */
async function ensureConsumer(nc: NatsConnection, options: ConsumeEventsOptions, ackWaitMs: number, maxConcurrent: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const filter_subjects = [...new Set(options.subscriptions.map((s) => s.def.type))];
  const settings = {
    ack_wait: nanos(ackWaitMs),
    filter_subjects,
    // We count deliveries ourselves and dead-letter; unlimited here so a crash on the last try loses nothing.
    max_deliver: -1,
    max_ack_pending: Math.max(1000, maxConcurrent * 4),
  };
  try {
    await jsm.consumers.info(options.stream, options.durable);
    await jsm.consumers.update(options.stream, options.durable, settings);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    await jsm.consumers.add(options.stream, {
      ...settings,
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: options.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    });
  }
}

/**
 * Consumes typed events with a durable pull consumer: explicit ack after the handler succeeds,
 * `nak` with growing delay when it fails, the dead-letter subject (with the reason) after N
 * deliveries or at once for an event that can never be handled (malformed, wrong schema).
 * Handlers must be idempotent: a delivery may repeat after a crash.
 */
export async function consumeEvents(nc: NatsConnection, options: ConsumeEventsOptions): Promise<EventConsumerHandle> {
  const logger = new Logger(`Events ${options.durable}`);
  const maxDeliveries = options.maxDeliveries ?? 5;
  const backoff = options.backoffMs ?? [250, 1000, 5000, 15000];
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const maxConcurrent = options.maxConcurrent ?? 16;
  const byType = new Map(options.subscriptions.map((s) => [s.def.type, s]));
  await ensureConsumer(nc, options, ackWaitMs, maxConcurrent);

  const js = jetstream(nc);
  const consumer = await js.consumers.get(options.stream, options.durable);
  const slots = new Semaphore(maxConcurrent);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: Math.max(maxConcurrent * 2, 16) });

  const deadLetter = async (msg: JsMsg, reason: string): Promise<void> => {
    const h = natsHeaders();
    if (msg.headers) for (const key of msg.headers.keys()) h.set(key, msg.headers.get(key));
    h.set(HEADERS.deadLetterReason, reason.slice(0, 1000));
    const dlq = deadLetterSubject(options.durable, msg.subject);
    await js.publish(dlq, msg.data, { headers: h, msgID: `${options.durable}:${options.stream}:${msg.info.streamSequence}` });
    msg.term(reason.slice(0, 200));
    logger.warn(`event ${msg.subject} #${msg.info.streamSequence} dead-lettered: ${reason}`);
  };

  const handle = async (msg: JsMsg): Promise<void> => {
    if (options.yieldToRequests) await new Promise<void>((resolve) => setImmediate(resolve));
    const parent = extractTraceContext(msg.headers);
    await tracer.startActiveSpan(
      `${msg.subject} process`,
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject, 'messaging.consumer.group.name': options.durable } },
      parent,
      async (span) => {
        try {
          let parsed: unknown;
          try {
            parsed = JSON.parse(decoder.decode(msg.data));
          } catch {
            await deadLetter(msg, 'event is not JSON');
            return;
          }
          const envelope = eventEnvelopeSchema.safeParse(parsed);
          if (!envelope.success) {
            await deadLetter(msg, `malformed event envelope: ${summarizeIssues(envelope.error)}`);
            return;
          }
          const subscription = byType.get(envelope.data.type);
          if (!subscription || envelope.data.type !== msg.subject) {
            await deadLetter(msg, `event type ${envelope.data.type} does not match subject ${msg.subject} or has no handler`);
            return;
          }
          const data = subscription.def.data.safeParse(envelope.data.data);
          if (!data.success) {
            await deadLetter(msg, `invalid ${envelope.data.type} data: ${summarizeIssues(data.error)}`);
            return;
          }
          if (msg.info.deliveryCount > maxDeliveries) {
            await deadLetter(msg, `not handled after ${maxDeliveries} deliveries`);
            return;
          }
          const { data: _data, ...meta } = envelope.data;
          try {
            await subscription.handler(data.data, {
              envelope: meta,
              subject: msg.subject,
              streamSequence: msg.info.streamSequence,
              deliveryCount: msg.info.deliveryCount,
            });
            msg.ack();
          } catch (error) {
            const reason = error instanceof Error ? `${error instanceof DvError ? error.code + ': ' : ''}${error.message}` : String(error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
            if (msg.info.deliveryCount >= maxDeliveries) {
              await deadLetter(msg, `handler failed ${maxDeliveries} times; last error: ${reason}`);
            } else {
              const delay = backoff[Math.min(msg.info.deliveryCount - 1, backoff.length - 1)] ?? 1000;
              logger.warn(`event ${msg.subject} #${msg.info.streamSequence} failed (delivery ${msg.info.deliveryCount}), retry in ${delay} ms: ${reason}`);
              msg.nak(delay);
            }
          }
        } catch (error) {
          // Dead-lettering itself failed (NATS away): leave the message unacked; JetStream redelivers it.
          logger.error(`event ${msg.subject} #${msg.info.streamSequence} could not be settled: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          span.end();
        }
      },
    );
  };

  const loop = (async () => {
    for await (const msg of messages) {
      if (!slots.tryAcquire()) await slots.acquire();
      void handle(msg).finally(() => slots.release());
    }
  })();

  return {
    stop: async () => {
      await messages.close();
      await loop.catch(() => undefined);
      await slots.idle();
    },
  };
}

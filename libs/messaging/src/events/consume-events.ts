import { Logger } from '@nestjs/common';
import {
  DvError,
  HEADERS,
  type EventData,
  type EventDefinition,
  type StreamName,
  deadLetterSubject,
  eventEnvelopeSchema,
  summarizeIssues,
} from '@dv/contracts';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MetricsRegistry } from '@dv/telemetry';
import { Semaphore } from '../concurrency/semaphore';
import { extractTraceContext } from '../trace/trace-headers';
import { consumerMetrics, trackPending } from './consumer-metrics';
import { type EventHandlingContext } from './event-context';
import { watchReconnects } from './reconnect-watch';
import { isTransientError } from './transient-error';

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
  /**
   * Deliveries before an event whose handler keeps failing goes to the dead-letter subject. Only for
   * failures of the event's own (see isTransientError): a transient one is retried until it succeeds.
   */
  maxDeliveries?: number;
  /**
   * Deliveries never settled (the process died or hung on it, an ack lost with the connection)
   * before an event is dead-lettered unread: a crash loop's guard. 4 × maxDeliveries by default.
   */
  maxUnsettledDeliveries?: number;
  /** Redelivery delay after the n-th failure, and the wait between retries of a transient one (the last value repeats). */
  backoffMs?: readonly number[];
  /**
   * How long a delivery may stay unacknowledged before JetStream redelivers it: 5 s by default. A
   * running handler keeps extending it, so only a dead consumer, or a delivery lost with a NATS
   * restart, waits for it.
   */
  ackWaitMs?: number;
  /** Handlers run at once. 1 keeps stream order. */
  maxConcurrent?: number;
  /**
   * How long a stop waits for the handlers running to finish (and be acked): the ack wait by default.
   * Past it the stop goes on and says which events it left; they are delivered again (decision 0035).
   */
  stopWaitMs?: number;
  /** Where to start when the durable consumer is first created. */
  deliverPolicy?: 'all' | 'new';
  /**
   * Each event waits one turn of the event loop before it is read. For a service whose requests wait
   * for JetStream acks on the connection its consumer reads from: an event arriving in the same socket
   * read as an ack would otherwise be parsed, validated and handled before the request resumes.
   */
  yieldToRequests?: boolean;
  /** The service's metrics: the consumer's pending events and dead letters are rendered there (consumerMetrics). */
  metrics?: MetricsRegistry;
  /**
   * The service's stop beginning (ServiceContext.stopping): from then on no handler starts (what is
   * fetched goes back at once) and the running ones see `ctx.signal` aborted, while the service still
   * answers its requests; `stop()` comes after those (decision 0035).
   */
  stopping?: AbortSignal;
}

export interface EventConsumerHandle {
  stop(): Promise<void>;
}

const tracer = trace.getTracer('@dv/messaging');
const decoder = new TextDecoder();
/** After a reconnect: how often progress is checked, how long without a delivery counts as stalled, and for how long. */
const CHECK_MS = 250;
const STALLED_MS = 750;
const CHECK_FOR_MS = 120_000;
/** Settlements this recent are sent again after a reconnect: they may have been lost with the connection. */
const RESETTLE_MS = 2000;

type Settlement = { msg: JsMsg; at: number } & ({ kind: 'ack' } | { kind: 'nak'; delayMs: number });

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
 * Consumes typed events with a durable pull consumer: explicit ack after the handler succeeds; a
 * transient failure (UNAVAILABLE: a precondition not met yet; a server away) retried until it
 * succeeds, never dead-lettered; any other failure `nak`ed with growing delay, then sent to the
 * dead-letter subject (with the reason) after N deliveries; an event that can never be handled
 * (malformed, wrong schema) dead-lettered at once. Handlers must be idempotent: a delivery may
 * repeat after a crash. Survives a NATS restart (see `watchReconnects`).
 */
export async function consumeEvents(nc: NatsConnection, options: ConsumeEventsOptions): Promise<EventConsumerHandle> {
  const logger = new Logger(`Events ${options.durable}`);
  const maxDeliveries = options.maxDeliveries ?? 5;
  const maxUnsettled = options.maxUnsettledDeliveries ?? maxDeliveries * 4;
  const backoff = options.backoffMs ?? [250, 1000, 5000, 15000];
  const ackWaitMs = options.ackWaitMs ?? 5_000;
  const maxConcurrent = options.maxConcurrent ?? 16;
  const stopWaitMs = options.stopWaitMs ?? ackWaitMs;
  /** The events whose handlers are running: what a stop that cannot wait for them names. */
  const running = new Set<JsMsg>();
  const byType = new Map(options.subscriptions.map((s) => [s.def.type, s]));
  await ensureConsumer(nc, options, ackWaitMs, maxConcurrent);

  const js = jetstream(nc);
  let consumer = await js.consumers.get(options.stream, options.durable);
  const slots = new Semaphore(maxConcurrent);
  const consumeOptions = { max_messages: Math.max(maxConcurrent * 2, 16) };
  let messages: ConsumerMessages = await consumer.consume(consumeOptions);
  let stopped = false;
  /** Aborted when the consumer stops or the service begins to: handlers see it (ctx.signal), no handler starts, a wait for a free slot ends. */
  const stopping = new AbortController();
  const halted = (): boolean => stopping.signal.aborted;
  const metrics = options.metrics ? consumerMetrics(options.metrics) : undefined;
  const labels = { stream: options.stream, consumer: options.durable };
  const stopTracking = metrics ? trackPending(metrics.pending, labels, () => consumer.info()) : () => undefined;
  let lastDeliveryAt = Date.now();
  const delayOf = (failures: number): number => backoff[Math.min(failures - 1, backoff.length - 1)] ?? 1000;

  // Acks and naks are fire-and-forget publishes, and nats.js drops what is sent while it reconnects:
  // the recent ones are sent again once the connection is back (a repeated ack changes nothing).
  let disconnected = false;
  let recent: Settlement[] = [];
  const settle = (settlement: Settlement): void => {
    if (settlement.kind === 'ack') settlement.msg.ack();
    else settlement.msg.nak(settlement.delayMs);
    recent = recent.filter((r) => disconnected || settlement.at - r.at < RESETTLE_MS);
    recent.push(settlement);
  };
  const resettle = (): void => {
    const again = recent;
    recent = [];
    for (const r of again) settle({ ...r, at: Date.now() });
  };

  const deadLetter = async (msg: JsMsg, reason: string): Promise<void> => {
    const h = natsHeaders();
    if (msg.headers) for (const key of msg.headers.keys()) h.set(key, msg.headers.get(key));
    h.set(HEADERS.deadLetterReason, reason.slice(0, 1000));
    const dlq = deadLetterSubject(options.durable, msg.subject);
    await js.publish(dlq, msg.data, { headers: h, msgID: `${options.durable}:${options.stream}:${msg.info.streamSequence}` });
    msg.term(reason.slice(0, 200));
    metrics?.deadLettered.inc(labels);
    logger.warn(`event ${msg.subject} #${msg.info.streamSequence} dead-lettered: ${reason}`);
  };

  /**
   * Runs the handler until it succeeds or fails for the event's own reason. A transient failure (a
   * precondition not met yet, a server away) is retried here, in the same delivery, with the backoff
   * delays, telling JetStream the event is still being worked on: it never counts toward dead-lettering.
   */
  const runHandler = async (msg: JsMsg, run: () => Promise<void>): Promise<{ ok: true } | { ok: false; reason: string } | { ok: 'stopped' }> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await run();
        return { ok: true };
      } catch (error) {
        const reason = error instanceof Error ? `${error instanceof DvError ? error.code + ': ' : ''}${error.message}` : String(error);
        // Stopping: whatever failed may be the stop's doing (a client closed under a handler left running),
        // so it never counts towards dead-lettering; the event goes back and its next delivery decides.
        if (halted()) return { ok: 'stopped' };
        if (!isTransientError(error)) return { ok: false, reason };
        const delay = delayOf(attempt);
        if (attempt === 1 || attempt % 10 === 0)
          logger.warn(`event ${msg.subject} #${msg.info.streamSequence} not handled yet (attempt ${attempt}), retry in ${delay} ms: ${reason}`);
        for (let waited = 0; waited < delay && !halted(); waited += Math.min(1000, delay - waited)) {
          await sleep(Math.min(1000, delay - waited));
          if (!disconnected) msg.working();
        }
      }
    }
  };

  const handle = async (msg: JsMsg): Promise<void> => {
    if (options.yieldToRequests) await new Promise<void>((resolve) => setImmediate(resolve));
    const parent = extractTraceContext(msg.headers);
    await tracer.startActiveSpan(
      `${msg.subject} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject, 'messaging.consumer.group.name': options.durable },
      },
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
          if (msg.info.deliveryCount > maxUnsettled) {
            await deadLetter(msg, `delivered ${msg.info.deliveryCount} times without being settled (a handler that crashes or hangs on it)`);
            return;
          }
          const { data: _data, ...meta } = envelope.data;
          // A handler may take longer than the ack wait: JetStream is told it is still being worked on.
          const working = setInterval(
            () => {
              if (nc.isClosed()) clearInterval(working);
              else if (!disconnected) msg.working();
            },
            Math.max(100, Math.floor(ackWaitMs / 3)),
          );
          // Never what keeps a process alive (a handler that hangs must not).
          working.unref();
          const outcome = await runHandler(msg, () =>
            subscription.handler(data.data, {
              envelope: meta,
              subject: msg.subject,
              streamSequence: msg.info.streamSequence,
              deliveryCount: msg.info.deliveryCount,
              signal: stopping.signal,
            }),
          ).finally(() => clearInterval(working));
          if (outcome.ok === true) {
            settle({ msg, kind: 'ack', at: Date.now() });
          } else if (outcome.ok === 'stopped') {
            // Stopping: another replica (or this one, started again) takes it at once.
            settle({ msg, kind: 'nak', delayMs: 0, at: Date.now() });
          } else {
            const reason = outcome.reason;
            span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
            if (msg.info.deliveryCount >= maxDeliveries) {
              await deadLetter(msg, `handler failed ${maxDeliveries} times; last error: ${reason}`);
            } else {
              const delay = delayOf(msg.info.deliveryCount);
              logger.warn(`event ${msg.subject} #${msg.info.streamSequence} failed (delivery ${msg.info.deliveryCount}), retry in ${delay} ms: ${reason}`);
              settle({ msg, kind: 'nak', delayMs: delay, at: Date.now() });
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

  /** A slot for a handler, or false once the consumer is stopping (a wait for one ends then too). */
  const slot = async (): Promise<boolean> => {
    if (halted()) return false;
    if (slots.tryAcquire()) return true;
    let onAbort = (): void => undefined;
    const aborted = new Promise<false>((resolve) => {
      onAbort = () => resolve(false);
      stopping.signal.addEventListener('abort', onAbort, { once: true });
    });
    const acquired = slots.acquire();
    const got = await Promise.race([acquired.then(() => true), aborted]);
    stopping.signal.removeEventListener('abort', onAbort);
    // Given up for the stop: the slot, once it comes, is handed back at once.
    if (!got) void acquired.then(() => slots.release());
    else if (halted()) slots.release();
    return got && !halted();
  };

  const run = async (from: ConsumerMessages): Promise<void> => {
    for await (const msg of from) {
      lastDeliveryAt = Date.now();
      // What nats.js fetched ahead (up to max_messages) but no handler started is not handled once the
      // consumer stops: handling it would hold the stop for as long as the whole batch takes. It goes
      // back at once (nak without delay), to another replica or to this one started again.
      if (!(await slot())) {
        settle({ msg, kind: 'nak', delayMs: 0, at: Date.now() });
        continue;
      }
      running.add(msg);
      void handle(msg).finally(() => {
        running.delete(msg);
        slots.release();
      });
    }
  };
  let loop = run(messages);

  // After a NATS restart nats.js pulls again by itself, but when the server is slow to answer it backs
  // off for 30 s: behind with nothing arriving, the consumer is consumed anew.
  let checking: Promise<void> | undefined;
  const restart = async (): Promise<void> => {
    await messages.close().catch(() => undefined);
    await loop.catch(() => undefined);
    if (stopped) return;
    consumer = await js.consumers.get(options.stream, options.durable);
    messages = await consumer.consume(consumeOptions);
    loop = run(messages);
    // Halted meanwhile: the new pull goes too (halt closed the one before).
    if (stopped) void messages.close().catch(() => undefined);
    else logger.log(`consuming ${options.stream} again`);
  };
  const checkProgress = async (): Promise<void> => {
    const until = Date.now() + CHECK_FOR_MS;
    let upToDate = 0;
    while (!stopped && upToDate < 2 && Date.now() < until) {
      await sleep(CHECK_MS);
      if (stopped) return;
      try {
        const pending = await consumer.info().then(
          (info) => info.num_pending,
          () => Number.POSITIVE_INFINITY,
        );
        if (pending > 0 && Date.now() - lastDeliveryAt > STALLED_MS) {
          upToDate = 0;
          await ensureConsumer(nc, options, ackWaitMs, maxConcurrent);
          await restart();
          lastDeliveryAt = Date.now();
        } else if (pending === 0) {
          upToDate++;
        }
      } catch (error) {
        upToDate = 0;
        logger.warn(`consuming ${options.stream} again failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const reconnects = watchReconnects(nc, {
    onDisconnect: () => (disconnected = true),
    onReconnect: () => {
      disconnected = false;
      resettle();
      lastDeliveryAt = Date.now();
      checking ??= checkProgress().finally(() => (checking = undefined));
    },
  });

  /** No more pulls and no handler starts (what was fetched goes back, see `run`); the running ones see ctx.signal. Once. */
  let halting: Promise<void> | undefined;
  const halt = (): Promise<void> =>
    (halting ??= (async () => {
      stopped = true;
      stopping.abort();
      stopTracking();
      reconnects.stop();
      await checking;
      await messages.close().catch(() => undefined);
      await loop.catch(() => undefined);
    })());
  // The service's stop begins: halted now, while it still answers requests (stop() comes after them).
  if (options.stopping?.aborted === true) void halt();
  else options.stopping?.addEventListener('abort', () => void halt(), { once: true });

  return {
    stop: async () => {
      await halt();
      // The handlers running finish and are acked, within a bound: past it the stop goes on without them
      // (what they hold is delivered again after the ack wait, and handlers are idempotent).
      if (!(await slots.idle(stopWaitMs))) {
        const left = [...running].map((m) => `${m.subject} #${m.info.streamSequence}`).join(', ');
        logger.warn(`stopped after ${stopWaitMs} ms with ${running.size} handler(s) still running; their events are delivered again: ${left}`);
      }
    },
  };
}

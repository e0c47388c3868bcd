import { Logger } from '@nestjs/common';
import { type EventEnvelope, eventEnvelopeSchema } from '@dv/contracts';
import { type Consumer, type ConsumerMessages, DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import { extractTraceContext } from '../trace/trace-headers';
import { watchReconnects } from './reconnect-watch';

export interface FollowStreamOptions {
  stream: string;
  /**
   * One subject filter, kept a string: nats.js then creates the consumer on
   * `CONSUMER.CREATE.<stream>.<name>.<filter>`, which NATS permissions can tell from another's durable.
   */
  subject: string;
  /** First stream sequence to deliver (1: everything). */
  startSeq: number;
  /**
   * The event types (= subjects) this follower applies. Others are only counted as applied, unread:
   * a replica that follows the whole domain stream for a few types does not parse every other event.
   * Without it every event is applied.
   */
  types?: ReadonlySet<string>;
  /** Asked after `types` (when given): false leaves this message unread too (e.g. an event type read only past some sequence). */
  include?: (subject: string, seq: number) => boolean;
  /** Applies one event; must be idempotent and quick (it runs in stream order). */
  apply: (envelope: EventEnvelope, seq: number) => void;
  /** Called after every message, applied or skipped, with its stream sequence. */
  applied?: (seq: number) => void;
}

export interface StreamFollower {
  /** Resolves once every message that was in the stream (for these subjects) at start is applied. */
  readonly caughtUp: Promise<void>;
  /**
   * False from a lost connection until the follower has caught up again after the reconnect (nothing
   * pending for it): what a replica's readiness says while its memory may lag behind the streams.
   */
  readonly following: boolean;
  stop(): Promise<void>;
}

/**
 * The server's idle heartbeat on a follower's pull: two missed, and nats.js checks its consumer and
 * pulls again. Its default (15 s) is what a stalled follower waited after a NATS restart.
 */
const HEARTBEAT_MS = 1000;
const tracer = trace.getTracer('@dv/messaging');
/** After a reconnect: how often progress is checked, and how long without a message counts as stalled. */
const CHECK_MS = 250;
const STALLED_MS = 750;

/**
 * Follows a stream in order with an ordered (ephemeral) consumer: how a replica keeps an in-memory
 * view current. Every replica sees every event. A malformed event is skipped (durable consumers
 * dead-letter it) but still counts as applied, so waiting for a revision never hangs on it.
 *
 * A NATS restart loses the ordered consumer and its pull. nats.js re-creates it, but may then pull
 * nothing (it keeps the lost pull's count) or back off for 30 s when the server is slow to answer:
 * reads waiting for a revision would fail all that time. So after every reconnect the follower checks
 * its progress and, when it is behind and nothing arrives, starts a new ordered consumer right after
 * the last sequence it applied.
 */
export async function followStream(nc: NatsConnection, options: FollowStreamOptions): Promise<StreamFollower> {
  const logger = new Logger(`Follow ${options.stream}`);
  const types = options.types;
  const js = jetstream(nc);
  /** The next stream sequence to apply: what a new consumer starts from. */
  let next = Math.max(1, options.startSeq);
  let lastMessageAt = Date.now();
  let stopped = false;

  let restarting: Promise<void> | undefined;
  const open = async (): Promise<{ consumer: Consumer; messages: ConsumerMessages; pending: number }> => {
    const consumer = await js.consumers.get(options.stream, {
      filter_subjects: options.subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: next,
    });
    const pending = (await consumer.info()).num_pending;
    const messages = await consumer.consume({ idle_heartbeat: HEARTBEAT_MS });
    void (async () => {
      for await (const status of messages.status()) {
        // nats.js made a new consumer but may pull nothing from it: ours starts right after what was applied.
        if (status.type === 'ordered_consumer_recreated')
          restarting ??= restart()
            .catch((error: unknown) => logger.warn(`following ${options.stream} again failed: ${messageOf(error)}`))
            .finally(() => (restarting = undefined));
      }
    })().catch(() => undefined);
    return { consumer, messages, pending };
  };

  let current = await open();
  const pendingAtStart = current.pending;
  let seen = 0;
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  if (pendingAtStart === 0) markCaughtUp();

  const run = async (messages: ConsumerMessages): Promise<void> => {
    for await (const msg of messages) {
      // A consumer started again may repeat what its predecessor delivered last.
      if (msg.seq < next) continue;
      lastMessageAt = Date.now();
      if ((!types || types.has(msg.subject)) && (!options.include || options.include(msg.subject, msg.seq))) {
        // The event's trace goes on here: applying it is a hop of the request that caused it (one span, ended at once: apply is synchronous).
        const span = tracer.startSpan(
          `${msg.subject} apply`,
          { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': msg.subject, 'dv.stream_sequence': msg.seq } },
          extractTraceContext(msg.headers),
        );
        try {
          options.apply(eventEnvelopeSchema.parse(msg.json()), msg.seq);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'skipped' });
          logger.warn(`skipping event #${msg.seq} on ${msg.subject}: ${messageOf(error)}`);
        } finally {
          span.end();
        }
      }
      next = msg.seq + 1;
      options.applied?.(msg.seq);
      if (++seen === pendingAtStart) markCaughtUp();
    }
  };
  let loop = run(current.messages);

  /** Ends the current consumer (its loop finishes what it holds) and starts one at `next`. */
  const restart = async (): Promise<void> => {
    await current.messages.close().catch(() => undefined);
    await loop.catch(() => undefined);
    if (stopped) return;
    current = await open();
    loop = run(current.messages);
    logger.log(`following again from #${next}`);
  };

  /** Behind with nothing arriving: true. The consumer gone (the server lost it) counts as behind. */
  const stalled = async (): Promise<boolean> => {
    let pending: number;
    try {
      pending = (await current.consumer.info()).num_pending;
    } catch {
      pending = Number.POSITIVE_INFINITY;
    }
    return pending > 0 && Date.now() - lastMessageAt > STALLED_MS;
  };

  let checking: Promise<void> | undefined;
  let recovering = false;
  const checkProgress = async (): Promise<void> => {
    // Up to date once the consumer has nothing pending for us twice in a row (the first answer may predate the restart's backlog).
    let upToDate = 0;
    while (!stopped && upToDate < 2) {
      await sleep(CHECK_MS);
      if (stopped) return;
      try {
        if (await stalled()) {
          upToDate = 0;
          await (restarting ??= restart().finally(() => (restarting = undefined)));
        } else if ((await current.consumer.info()).num_pending === 0) {
          upToDate++;
        }
      } catch (error) {
        upToDate = 0;
        logger.warn(`following ${options.stream} again failed, retrying: ${messageOf(error)}`);
      }
    }
    recovering = false;
  };
  const reconnects = watchReconnects(nc, {
    onDisconnect: () => (recovering = true),
    onReconnect: () => {
      recovering = true;
      lastMessageAt = Date.now();
      checking ??= checkProgress().finally(() => (checking = undefined));
    },
  });

  return {
    caughtUp,
    get following(): boolean {
      return !recovering;
    },
    stop: async () => {
      stopped = true;
      reconnects.stop();
      await checking;
      await restarting;
      await current.messages.close().catch(() => undefined);
      await loop.catch(() => undefined);
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

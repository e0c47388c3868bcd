import { Logger } from '@nestjs/common';
import { type EventEnvelope, eventEnvelopeSchema } from '@dv/contracts';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';

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
  /** Applies one event; must be idempotent and quick (it runs in stream order). */
  apply: (envelope: EventEnvelope, seq: number) => void;
  /** Called after every message, applied or skipped, with its stream sequence. */
  applied?: (seq: number) => void;
}

export interface StreamFollower {
  /** Resolves once every message that was in the stream (for these subjects) at start is applied. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows a stream in order with an ordered (ephemeral) consumer: how a replica keeps an in-memory
 * view current. Every replica sees every event. A malformed event is skipped (durable consumers
 * dead-letter it) but still counts as applied, so waiting for a revision never hangs on it.
 */
export async function followStream(nc: NatsConnection, options: FollowStreamOptions): Promise<StreamFollower> {
  const logger = new Logger(`Follow ${options.stream}`);
  const types = options.types;
  const consumer = await jetstream(nc).consumers.get(options.stream, {
    filter_subjects: options.subject,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, options.startSeq),
  });
  const pendingAtStart = (await consumer.info()).num_pending;
  let seen = 0;
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  if (pendingAtStart === 0) markCaughtUp();
  const messages = await consumer.consume();
  const loop = (async () => {
    for await (const msg of messages) {
      if (!types || types.has(msg.subject)) {
        try {
          options.apply(eventEnvelopeSchema.parse(msg.json()), msg.seq);
        } catch (error) {
          logger.warn(`skipping event #${msg.seq} on ${msg.subject}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      options.applied?.(msg.seq);
      if (++seen === pendingAtStart) markCaughtUp();
    }
  })();
  return {
    caughtUp,
    stop: async () => {
      await messages.close();
      await loop.catch(() => undefined);
    },
  };
}

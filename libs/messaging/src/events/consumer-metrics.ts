import { type Counter, type Gauge, type MetricsRegistry } from '@dv/telemetry';

/** The labels of a durable consumer's series: its stream and its (durable) name. */
export type ConsumerLabel = 'stream' | 'consumer';

/** What an operator watches of a service's durable consumers: how far behind they are, and what they gave up on. */
export interface ConsumerMetrics {
  /** Events of the stream not yet handled by the consumer: not delivered yet, or delivered and not acknowledged. */
  readonly pending: Gauge<ConsumerLabel>;
  readonly deadLettered: Counter<ConsumerLabel>;
}

const byRegistry = new WeakMap<MetricsRegistry, ConsumerMetrics>();

/** One set per registry: a service has a consumer per stream, all rendered under the same names. */
export function consumerMetrics(registry: MetricsRegistry): ConsumerMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      pending: registry.gauge({
        name: 'dv_consumer_pending_events',
        help: 'Events of the stream this durable consumer has not handled yet (undelivered plus unacknowledged), read every few seconds.',
        labelNames: ['stream', 'consumer'],
      }),
      deadLettered: registry.counter({
        name: 'dv_events_dead_lettered_total',
        help: 'Events this durable consumer gave up on and sent to its dead-letter subject.',
        labelNames: ['stream', 'consumer'],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** How often the pending count is read from JetStream (one consumer-info request). */
export const PENDING_EVERY_MS = 5000;

/**
 * Reads the consumer's pending count now and every `everyMs` into the gauge; a failed read leaves the
 * last value (the stall shows as the count not moving). Returns the stop.
 */
export function trackPending(
  gauge: Gauge<ConsumerLabel>,
  labels: Record<ConsumerLabel, string>,
  info: () => Promise<{ num_pending: number; num_ack_pending: number }>,
  everyMs = PENDING_EVERY_MS,
): () => void {
  const read = (): void => {
    info().then(
      (i) => gauge.set(labels, i.num_pending + i.num_ack_pending),
      () => undefined,
    );
  };
  read();
  const timer = setInterval(read, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

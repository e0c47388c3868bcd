import { type Counter, type Gauge, type MetricsRegistry } from '@dv/telemetry';

/** What an operator watches of a service's outboxes (one per aggregate collection). */
export interface OutboxMetrics {
  readonly pending: Gauge<'collection'>;
  readonly oldestAge: Gauge<'collection'>;
  readonly sweepFailures: Counter<'collection'>;
}

const byRegistry = new WeakMap<MetricsRegistry, OutboxMetrics>();

/** One set per registry: a service may relay several collections' outboxes, all under the same names. */
export function outboxMetrics(registry: MetricsRegistry): OutboxMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      pending: registry.gauge({
        name: 'dv_outbox_pending_events',
        help: 'Events written but not yet published, as the last outbox sweep found them (up to its batch of aggregates).',
        labelNames: ['collection'],
      }),
      oldestAge: registry.gauge({
        name: 'dv_outbox_oldest_pending_seconds',
        help: 'Age of the oldest event the last outbox sweep found still unpublished; 0 when none.',
        labelNames: ['collection'],
      }),
      sweepFailures: registry.counter({
        name: 'dv_outbox_sweep_failures_total',
        help: 'Outbox sweeps that failed (the database or NATS away); the next sweep tries again.',
        labelNames: ['collection'],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

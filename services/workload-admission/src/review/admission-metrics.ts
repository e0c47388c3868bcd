import { type Counter, type Histogram, type MetricsRegistry } from '@dv/telemetry';

/** What admission counts, on the service's /metrics (Prometheus text). */
export class AdmissionMetrics {
  readonly reviews: Counter<'via' | 'outcome'>;
  readonly reasons: Counter<'code'>;
  readonly duration: Histogram<'via'>;
  readonly bindings: Counter<'action'>;
  readonly unrecordedDecisions: Counter<'type'>;
  readonly permissionLookups: Counter<'source'>;

  constructor(registry: MetricsRegistry) {
    this.reviews = registry.counter({
      name: 'dv_admission_reviews_total',
      help: 'Reviews of workloads asking for data volumes, by entry point and outcome.',
      labelNames: ['via', 'outcome'],
    });
    this.reasons = registry.counter({ name: 'dv_admission_denial_reasons_total', help: 'Reasons given in denied reviews, by code.', labelNames: ['code'] });
    this.duration = registry.histogram({
      name: 'dv_admission_review_seconds',
      help: 'Time to decide a review (including binding when one is made).',
      labelNames: ['via'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.unrecordedDecisions = registry.counter({
      name: 'dv_admission_unrecorded_decisions_total',
      help: 'Reviews answered UNAVAILABLE (webhook: denied) because JetStream did not confirm their decision event.',
      labelNames: ['type'],
    });
    this.permissionLookups = registry.counter({
      name: 'dv_admission_permission_lookups_total',
      help: "Permission checks of reviews, by where the answer came from: authz, or authz's earlier answer still current (cache).",
      labelNames: ['source'],
    });
    this.bindings = registry.counter({
      name: 'dv_admission_bindings_total',
      help: 'Bindings (PV copy + PVC in a namespace) made and removed.',
      labelNames: ['action'],
    });
  }
}

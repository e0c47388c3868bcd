import { MetricsRegistry } from './metrics-registry';

describe('MetricsRegistry', () => {
  it('renders counters with and without labels', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter({ name: 'dv_requests_total', help: 'Requests handled.', labelNames: ['subject', 'outcome'] });
    const restarts = registry.counter({ name: 'dv_restarts_total', help: 'Restarts.' });
    requests.inc({ subject: 'volume.create', outcome: 'ok' });
    requests.inc({ subject: 'volume.create', outcome: 'ok' }, 2);
    requests.inc({ outcome: 'error', subject: 'volume.create' });
    expect(requests.get({ subject: 'volume.create', outcome: 'ok' })).toBe(3);
    expect(registry.render()).toBe(
      '# HELP dv_requests_total Requests handled.\n' +
        '# TYPE dv_requests_total counter\n' +
        'dv_requests_total{subject="volume.create",outcome="ok"} 3\n' +
        'dv_requests_total{subject="volume.create",outcome="error"} 1\n' +
        '# HELP dv_restarts_total Restarts.\n' +
        '# TYPE dv_restarts_total counter\n' +
        'dv_restarts_total 0\n',
    );
    void restarts;
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const latency = registry.histogram({ name: 'dv_request_duration_seconds', help: 'Latency.', labelNames: ['subject'], buckets: [0.1, 0.5, 1] });
    for (const seconds of [0.05, 0.1, 0.3, 2]) latency.observe({ subject: 's' }, seconds);
    expect(registry.render()).toBe(
      '# HELP dv_request_duration_seconds Latency.\n' +
        '# TYPE dv_request_duration_seconds histogram\n' +
        'dv_request_duration_seconds_bucket{subject="s",le="0.1"} 2\n' +
        'dv_request_duration_seconds_bucket{subject="s",le="0.5"} 3\n' +
        'dv_request_duration_seconds_bucket{subject="s",le="1"} 3\n' +
        'dv_request_duration_seconds_bucket{subject="s",le="+Inf"} 4\n' +
        'dv_request_duration_seconds_sum{subject="s"} 2.45\n' +
        'dv_request_duration_seconds_count{subject="s"} 4\n',
    );
  });

  it('times with startTimer', () => {
    const registry = new MetricsRegistry();
    const latency = registry.histogram({ name: 'op_seconds', help: 'Op.' });
    const seconds = latency.startTimer()();
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(registry.render()).toContain('op_seconds_count 1\n');
  });

  it('renders gauges', () => {
    const registry = new MetricsRegistry();
    const inFlight = registry.gauge({ name: 'dv_in_flight', help: 'In flight.', labelNames: ['subject'] });
    inFlight.inc({ subject: 'a' });
    inFlight.inc({ subject: 'a' });
    inFlight.dec({ subject: 'a' });
    inFlight.set({ subject: 'b' }, -2.5);
    expect(registry.render()).toBe('# HELP dv_in_flight In flight.\n# TYPE dv_in_flight gauge\ndv_in_flight{subject="a"} 1\ndv_in_flight{subject="b"} -2.5\n');
  });

  it('escapes label values and help text', () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'x_total', help: 'Line\\one\nline two', labelNames: ['path'] }).inc({ path: 'a"b\\c\nd' });
    expect(registry.render()).toBe('# HELP x_total Line\\\\one\\nline two\n# TYPE x_total counter\nx_total{path="a\\"b\\\\c\\nd"} 1\n');
  });

  it('types label sets from labelNames', () => {
    const registry = new MetricsRegistry();
    const labeled = registry.counter({ name: 'typed_total', help: 'Typed.', labelNames: ['a', 'b'] });
    const plain = registry.counter({ name: 'plain_total', help: 'Plain.' });
    labeled.inc({ a: 'x', b: 1 });
    plain.inc();
    // @ts-expect-error label b is missing
    expect(() => labeled.inc({ a: 'x' })).toThrow(/missing label b/);
    // @ts-expect-error label c is not declared
    expect(() => labeled.inc({ a: 'x', b: 'y', c: 'z' })).toThrow(/unknown label/);
  });

  it('rejects invalid names, duplicates, wrong labels and negative increments', () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter({ name: 'bad-name', help: '' })).toThrow(/invalid metric name/);
    expect(() => registry.counter({ name: 'ok_total', help: '', labelNames: ['bad-label'] })).toThrow(/invalid label name/);
    expect(() => registry.histogram({ name: 'h', help: '', labelNames: ['le'] })).toThrow(/reserved/);
    const counter = registry.counter({ name: 'c_total', help: '', labelNames: ['a'] });
    expect(() => registry.counter({ name: 'c_total', help: '' })).toThrow(/already registered/);
    expect(() => counter.inc({ a: 'x' }, -1)).toThrow(/cannot decrease/);
    expect(() => counter.inc({ a: 'x', b: 'y' } as { a: string })).toThrow(/unknown label/);
    expect(() => counter.inc({} as { a: string })).toThrow(/missing label a/);
  });
});

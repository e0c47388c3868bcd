import { context, propagation, trace } from '@opentelemetry/api';
import { JsonLogger } from '../logging/json-logger';
import { currentTraceIds } from './current-trace-ids';
import { startTelemetry } from './start-telemetry';

describe('startTelemetry', () => {
  it('returns the same handle when called twice, and can start again after shutdown', async () => {
    const first = startTelemetry({ serviceName: 'authz', env: {} });
    expect(startTelemetry({ serviceName: 'other', env: {} })).toBe(first);
    await first.shutdown();
    await first.shutdown();
    const second = startTelemetry({ serviceName: 'authz', env: {}, instrumentations: false });
    expect(second).not.toBe(first);
    await second.shutdown();
  });

  it('gives spans real ids without an exporter and keeps the active span across awaits', async () => {
    const telemetry = startTelemetry({ serviceName: 'authz', env: {}, instrumentations: false });
    try {
      expect(currentTraceIds()).toBeUndefined();
      await telemetry.tracer.startActiveSpan('outer', async (outer) => {
        await new Promise((resolve) => setImmediate(resolve));
        expect(currentTraceIds()).toEqual({ traceId: outer.spanContext().traceId, spanId: outer.spanContext().spanId });
        await telemetry.tracer.startActiveSpan('inner', async (inner) => {
          await Promise.resolve();
          expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
          expect(currentTraceIds()?.spanId).toBe(inner.spanContext().spanId);
          inner.end();
        });
        outer.end();
      });
    } finally {
      await telemetry.shutdown();
    }
  });

  it('propagates W3C trace context and baggage', async () => {
    const telemetry = startTelemetry({ serviceName: 'authz', env: {}, instrumentations: false });
    try {
      const span = telemetry.tracer.startSpan('publish');
      const withBaggage = propagation.setBaggage(trace.setSpan(context.active(), span), propagation.createBaggage({ tenant: { value: 'acme' } }));
      const headers: Record<string, string> = {};
      propagation.inject(withBaggage, headers);
      // No exporter: not recorded, so not sampled (flags 00), but the ids travel.
      expect(span.isRecording()).toBe(false);
      expect(headers['traceparent']).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-00`);
      expect(headers['baggage']).toBe('tenant=acme');

      const extracted = propagation.extract(context.active(), headers);
      expect(trace.getSpanContext(extracted)?.traceId).toBe(span.spanContext().traceId);
      expect(propagation.getBaggage(extracted)?.getEntry('tenant')?.value).toBe('acme');
      span.end();
    } finally {
      await telemetry.shutdown();
    }
  });

  it('records and samples spans when an exporter is configured', async () => {
    const telemetry = startTelemetry({
      serviceName: 'authz',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' },
      instrumentations: false,
      logger: new JsonLogger('authz', { stdout: { write: () => undefined }, stderr: { write: () => undefined } }),
    });
    try {
      const span = telemetry.tracer.startSpan('recorded');
      expect(span.isRecording()).toBe(true);
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), headers);
      expect(headers['traceparent']).toMatch(/-01$/);
      span.end();
    } finally {
      await telemetry.shutdown();
    }
  });

  it('logs, instead of rejecting, when pending spans cannot be exported at shutdown', async () => {
    const lines: string[] = [];
    const logger = new JsonLogger('authz', {
      context: 'opentelemetry',
      stdout: { write: (l: string) => lines.push(l) },
      stderr: { write: (l: string) => lines.push(l) },
    });
    // Port 1 on loopback refuses connections; the export fails fast.
    const telemetry = startTelemetry({ serviceName: 'authz', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, instrumentations: false, logger });
    telemetry.tracer.startSpan('lost').end();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    const errors = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['level'] === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ service: 'authz', context: 'opentelemetry' });
  });

  it('stays a no-op when OTEL_SDK_DISABLED=true', async () => {
    const telemetry = startTelemetry({ serviceName: 'authz', env: { OTEL_SDK_DISABLED: 'true' } });
    const span = telemetry.tracer.startSpan('ignored');
    expect(span.isRecording()).toBe(false);
    span.end();
    await telemetry.shutdown();
    expect(startTelemetry({ serviceName: 'authz', env: {}, instrumentations: false })).not.toBe(telemetry);
    await startTelemetry({ serviceName: 'authz', env: {} }).shutdown();
  });
});

import { context, diag, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { JsonLogger } from '../logging/json-logger';
import { createInstrumentations, type InstrumentationChoice } from './create-instrumentations';
import { jsonDiagLogger, parseDiagLevel } from './json-diag-logger';
import { otlpTracesUrl } from './otlp-traces-url';
import { parseResourceAttributes } from './parse-resource-attributes';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Environment variables to read (OTEL_*); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Client-span instrumentation of http, mongodb and fetch; `false` turns all of it off. */
  instrumentations?: InstrumentationChoice | false;
  /** Where OpenTelemetry's own warnings and errors go (level: OTEL_LOG_LEVEL, default warn). */
  logger?: JsonLogger;
}

export interface Telemetry {
  readonly tracer: Tracer;
  /** Flushes pending spans and unregisters everything, so telemetry can be started again. */
  shutdown(): Promise<void>;
}

let running: Telemetry | undefined;

/**
 * Registers the global tracer provider: W3C trace-context and baggage propagation, AsyncLocalStorage
 * context (the active span survives awaits), spans exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT is set. Without an endpoint nothing would receive a span, so
 * none is recorded (AlwaysOff: a few microseconds less per request on every hop), but every span still
 * gets real trace and span ids, so trace context reaches logs and downstream services (with the
 * sampled flag off: a downstream service that exports follows its parent's decision).
 * OTEL_SDK_DISABLED=true leaves the no-op API in place. Calling it again returns the same handle.
 * OpenTelemetry's own diagnostics (e.g. a collector that cannot be reached) are logged as JSON.
 *
 * Instrumentations patch modules as they are required, so call this before anything imports
 * mongoose/mongodb or the Kubernetes client (e.g. import the app module after it).
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (running) return running;
  const env = options.env ?? process.env;
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') {
    running = disabledTelemetry(options);
    return running;
  }

  const logger = options.logger ?? new JsonLogger(options.serviceName, { context: 'opentelemetry' });
  diag.setLogger(jsonDiagLogger(logger), { logLevel: parseDiagLevel(env['OTEL_LOG_LEVEL']), suppressOverrideMessage: true });

  const url = otlpTracesUrl(env);
  const spanProcessors: SpanProcessor[] = url ? [new BatchSpanProcessor(new OTLPTraceExporter({ url }))] : [];
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        ...parseResourceAttributes(env['OTEL_RESOURCE_ATTRIBUTES']),
        'service.name': options.serviceName,
        ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
      }),
    ),
    spanProcessors,
    ...(url ? {} : { sampler: new AlwaysOffSampler() }),
  });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  const disableInstrumentations =
    options.instrumentations === false
      ? () => undefined
      : registerInstrumentations({ tracerProvider: provider, instrumentations: createInstrumentations(options.instrumentations ?? {}) });

  const handle: Telemetry = {
    tracer: trace.getTracer(options.serviceName, options.serviceVersion),
    async shutdown() {
      if (running !== handle) return;
      running = undefined;
      disableInstrumentations();
      try {
        await provider.shutdown();
      } catch (error) {
        // Lost spans must not turn a clean shutdown into a crash; they are worth a log line.
        logger.error('telemetry shutdown failed; pending spans may be lost', error);
      } finally {
        unregisterGlobals();
      }
    },
  };
  running = handle;
  return handle;
}

function disabledTelemetry(options: TelemetryOptions): Telemetry {
  const handle: Telemetry = {
    tracer: trace.getTracer(options.serviceName, options.serviceVersion),
    shutdown() {
      if (running === handle) running = undefined;
      return Promise.resolve();
    },
  };
  return handle;
}

function unregisterGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
  diag.disable();
}

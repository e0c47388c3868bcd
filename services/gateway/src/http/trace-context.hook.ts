import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { type FastifyReply, type FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The gateway's span of this request (a child of the caller's `traceparent`, when valid); null before the hook. */
    dvSpan: Span | null;
    /** The trace context the service calls of this request continue (RpcClient's `traceContext`). */
    dvTraceContext: Context | null;
  }
}

const tracer = trace.getTracer('gateway');

/**
 * W3C trace context in and out, without an active context: the server span of each request is started
 * here as a child of the caller's `traceparent`/`tracestate` (a malformed one starts a new trace), kept
 * on the request and handed explicitly to the NATS calls made for it (ServiceCalls), which carry it
 * onward in their headers; the answer carries the span's own `traceparent`, so the caller can link to
 * it. The span ends when the answer is sent (`endTraceSpan`). Without an OTLP endpoint spans are not
 * recorded, but their ids are real, so traces still join across the gateway and the services. Called
 * by the gateway's first onRequest hook (run-gateway.ts).
 */
export function startTraceSpan(request: FastifyRequest, reply: FastifyReply): void {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = tracer.startSpan(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`, { kind: SpanKind.SERVER }, parent);
  request.dvSpan = span;
  request.dvTraceContext = trace.setSpan(parent, span);
  const ids = span.spanContext();
  if (isSpanContextValid(ids)) void reply.header('traceparent', `00-${ids.traceId}-${ids.spanId}-0${ids.traceFlags & 1}`);
}

/** When the answer is sent (the gateway's onResponse hook): the request's span ends with its status. */
export function endTraceSpan(request: FastifyRequest, reply: FastifyReply): void {
  const span = request.dvSpan;
  if (span === null) return;
  if (span.isRecording()) {
    span.setAttribute('http.request.method', request.method);
    span.setAttribute('http.route', request.routeOptions.url ?? 'unmatched');
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * W3C trace context in and out. The HTTP instrumentation of @dv/telemetry opens the gateway's server
 * span for each request, continuing a valid `traceparent` the caller sent (else starting a trace);
 * the NATS calls made while handling it are its children and carry the context onward in their
 * headers (RpcClient). This hook answers with that span's `traceparent` (RFC: the callee's own span,
 * so the caller can link to it). Log lines written meanwhile (the access log's too) carry its trace id.
 */
export async function traceContextHook(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const span = trace.getSpan(context.active())?.spanContext();
  if (span === undefined || !isSpanContextValid(span)) return;
  void reply.header('traceparent', `00-${span.traceId}-${span.spanId}-0${span.traceFlags & 1}`);
}

import { context, isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** The ids of the active span, for log lines and error reports; undefined outside a (valid) span. */
export function currentTraceIds(): TraceIds | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

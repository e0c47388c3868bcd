import { isSpanContextValid } from '@opentelemetry/api';
import { type LogSink } from '@dv/telemetry';
import { type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One JSON line per request (called by the gateway's onResponse hook), in the shape of the service's other log lines
 * (`time, level, service, context, msg, traceId, spanId`) plus `method, route, path, status,
 * durationMs, subject, subjectType, requestId, ip, bytesIn`. `route` is the matched pattern
 * (`/api/v1/datavolumes/:id`), `path` the URL without its query string: query values (search text,
 * filters) and headers (the bearer token) are never written. Built here rather than through JsonLogger
 * (every field is a plain string or number) and written through a batching sink: it runs on every request.
 */
export function accessLogHook(service: string, sink: LogSink) {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const caller = request.dvIdentity;
    const url = request.url;
    const query = url.indexOf('?');
    const ids = request.dvSpan?.spanContext();
    const traced = ids !== undefined && isSpanContextValid(ids);
    const line = {
      time: new Date().toISOString(),
      level: 'info',
      service,
      context: 'access',
      msg: 'request',
      traceId: traced ? ids.traceId : undefined,
      spanId: traced ? ids.spanId : undefined,
      method: request.method,
      route: request.routeOptions.url ?? null,
      path: query === -1 ? url : url.slice(0, query),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
      subject: caller?.subjectId ?? null,
      subjectType: caller?.subjectType ?? null,
      requestId: request.id,
      ip: request.ip,
      bytesIn: Number(request.headers['content-length'] ?? 0) || 0,
    };
    sink.write(`${JSON.stringify(line)}\n`);
  };
}

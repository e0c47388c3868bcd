import { type JsonLogger } from '@dv/telemetry';
import { type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One JSON line per request (Fastify's onResponse hook), on stdout beside the service's other logs:
 * `{msg: "request", method, route, path, status, durationMs, subject, subjectType, requestId, ip,
 * bytesIn}` and, as on every log line written while a request is handled, its `traceId` and `spanId`. `route` is the matched pattern (`/api/v1/datavolumes/:id`), `path` the URL without its
 * query string: query values (search text, filters) and headers (the bearer token) are never written.
 */
export function accessLogHook(logger: JsonLogger) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const caller = request.dvIdentity;
    const url = request.url;
    const query = url.indexOf('?');
    logger.info('request', {
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
    });
  };
}

import { type Counter, type Histogram, type MetricsRegistry } from '@dv/telemetry';
import { type FastifyReply, type FastifyRequest } from 'fastify';

/** Requests by method, route (the pattern, never the raw URL: bounded labels) and status, and their duration. */
export class HttpMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;

  constructor(registry: MetricsRegistry) {
    this.requests = registry.counter({
      name: 'dv_gateway_http_requests_total',
      help: 'HTTP requests answered, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
    });
    this.duration = registry.histogram({
      name: 'dv_gateway_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route.',
      labelNames: ['method', 'route'],
    });
  }

  /** When the answer is sent (the gateway's onResponse hook). */
  readonly record = (request: FastifyRequest, reply: FastifyReply): void => {
    const route = request.routeOptions.url ?? 'unmatched';
    this.requests.inc({ method: request.method, route, status: reply.statusCode });
    this.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  };
}

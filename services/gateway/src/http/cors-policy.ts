import { type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import { type CorsOrigins } from '../config/cors-origins';

/** Methods and request headers a browser may use cross-origin. */
const ALLOWED_METHODS = 'GET, POST, PATCH, PUT, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, x-request-id, x-dv-at-least, traceparent, tracestate';
/** Response headers a browser script may read. */
const EXPOSED_HEADERS = 'x-request-id, x-dv-revision, traceparent, retry-after, www-authenticate';
const PREFLIGHT_MAX_AGE_S = '600';

/**
 * CORS for the console's origin(s), as Fastify's first hook: a preflight (OPTIONS with `Origin` and
 * `Access-Control-Request-Method`) is answered here, 204, before authentication (browsers send no
 * token with it); an allowed origin gets its `Access-Control-Allow-*` headers, any other none (the
 * browser then refuses the call). Other requests from an allowed origin get the origin and the exposed
 * headers, on every answer, 401 and 429 included, so the console can read them. Credentials are
 * allowed only when configured, and the configuration refuses them with `*`.
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(
    origins: CorsOrigins,
    private readonly credentials: boolean,
  ) {
    this.any = origins === '*';
    this.origins = new Set(origins === '*' ? [] : origins);
  }

  /** The `Access-Control-Allow-Origin` value for a request's `Origin`, or undefined when it is not allowed. */
  allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (this.any) return '*';
    return this.origins.has(origin) ? origin : undefined;
  }

  // A callback hook (no promise per request); a preflight's answer does not call `done`.
  readonly onRequest = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    const allowed = this.allowOrigin(origin);
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    // The answer depends on Origin (except with `*`): caches must keep one per origin.
    if (!this.any) void reply.header('vary', 'Origin');
    if (allowed !== undefined) {
      void reply.header('access-control-allow-origin', allowed);
      if (this.credentials) void reply.header('access-control-allow-credentials', 'true');
    }
    if (!preflight) {
      if (allowed !== undefined) void reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      return done();
    }
    if (allowed !== undefined) {
      void reply
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', PREFLIGHT_MAX_AGE_S);
    }
    void reply.code(204).send();
  };
}

import { connectNats, drainNats } from '@dv/messaging';
import { StopSteps, armStopDeadline } from '@dv/runtime';
import { type HealthServer, JsonLogger, MetricsRegistry, type Telemetry, registerProcessMetrics, startHealthServer } from '@dv/telemetry';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_OPERATIONS } from './api/all-operations';
import { methodNotAllowedHook } from './api/method-not-allowed.hook';
import { publicRoutes } from './api/public-routes';
import { bearerAuthHook } from './auth/bearer-auth.hook';
import { discoverJwksUrl } from './auth/discover-jwks-url';
import { TokenVerifier } from './auth/token-verifier';
import { type GatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';
import { accessLogHook } from './http/access-log';
import { BatchedLineSink } from './http/batched-line-sink';
import { clientErrorHandler } from './http/client-error';
import { CorsPolicy } from './http/cors-policy';
import { HttpMetrics } from './http/http-metrics';
import { RateLimitHooks } from './http/rate-limit.hooks';
import { RequestDeadlines } from './http/request-deadlines';
import { securityHeaders } from './http/security-headers';
import { endTraceSpan, startTraceSpan } from './http/trace-context.hook';
import { ServiceCalls } from './http/service-calls';
import { ServiceAccountStates } from './service-accounts/service-account-states';
import { registerCheckRoutes } from './use-cases/check/check.routes';
import { serveConsole } from './console/serve-console';

export interface RunningGateway {
  readonly httpPort: number;
  readonly health: HealthServer;
  stop(): Promise<void>;
}

/** A request id the caller sent that we pass on; anything else is replaced by our own. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Starts the gateway as every service starts (NATS as its own user, health/readiness/metrics on a
 * port of their own, a graceful stop on SIGTERM/SIGINT), but with an HTTP server instead of a NATS
 * microservice and no MongoDB: it owns no data. Stopping: readiness goes false, requests go on being
 * served for GATEWAY_DRAIN_DELAY_MS (a load balancer's time to notice), then the HTTP server stops taking
 * connections and lets in-flight requests finish (their NATS calls included), then NATS drains.
 */
export async function runGateway(options: { name: string; config: GatewayConfig; telemetry: Telemetry }): Promise<RunningGateway> {
  const { config } = options;
  const logger = new JsonLogger(options.name, { level: config.LOG_LEVEL });
  const metrics = new MetricsRegistry();
  const processMetrics = registerProcessMetrics(metrics);
  const jwksUrl =
    config.GATEWAY_OIDC_JWKS_URL ??
    (await discoverJwksUrl(config.GATEWAY_OIDC_ISSUER, { onRetry: (error) => logger.warn('waiting for the identity provider', { error }) }));
  const verifier = new TokenVerifier({
    issuer: config.GATEWAY_OIDC_ISSUER,
    audience: config.GATEWAY_OIDC_AUDIENCE,
    jwksUrl,
    claims: { subject: config.GATEWAY_SUBJECT_CLAIM, groups: config.GATEWAY_GROUPS_CLAIM },
    cacheMax: config.GATEWAY_TOKEN_CACHE_MAX,
    jwksCooldownMs: config.GATEWAY_JWKS_COOLDOWN_MS,
    jwksTimeoutMs: config.GATEWAY_JWKS_TIMEOUT_MS,
  });
  await verifier
    .loadKeys()
    .catch((e: unknown) => logger.warn('the identity provider key set could not be fetched yet', { error: e instanceof Error ? e.message : String(e) }));
  const nc = await connectNats({
    url: config.NATS_URL,
    name: options.name,
    ...(config.NATS_USER !== undefined ? { user: config.NATS_USER, pass: config.NATS_PASSWORD ?? '' } : {}),
    // Under HTTP load many requests arrive in one turn of the event loop: their NATS writes leave together.
    coalesceWrites: true,
  });

  const adapter = new FastifyAdapter({
    bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES,
    // A path parameter of any length reaches the operation's schema (400 naming it); the router's default cut at 100
    // characters answered 414 in its own body. The request line itself is bounded by Node's header size (431).
    maxParamLength: 16_384,
    clientErrorHandler,
    // Receiving the request within GATEWAY_REQUEST_TIMEOUT_MS (Node answers 408); the whole request, hooks and handler: RequestDeadlines (503).
    requestTimeout: config.GATEWAY_REQUEST_TIMEOUT_MS,
    // The client IP (rate limit, access log) from X-Forwarded-For only when the peer is a proxy we were told to trust.
    ...(config.GATEWAY_TRUSTED_PROXIES.length > 0 ? { trustProxy: config.GATEWAY_TRUSTED_PROXIES } : {}),
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register({ config, nc, logger }), adapter, { logger, abortOnError: false });
  const fastify = app.getHttpAdapter().getInstance();
  const httpMetrics = new HttpMetrics(metrics);
  fastify.decorateRequest('dvIdentity', null);
  fastify.decorateRequest('dvSpan', null);
  fastify.decorateRequest('dvTraceContext', null);
  // The whole request, hooks and handler, within GATEWAY_REQUEST_TIMEOUT_MS (then 503): its deadline runs from the first hook.
  const deadlines = new RequestDeadlines(config.GATEWAY_REQUEST_TIMEOUT_MS);
  // The first hook, and what needs no early answer: the deadline, the request id, the trace span. Hooks
  // that do independent things share one callback hook (not one async hook each): on the API's hottest
  // calls (the check) the gateway's fixed cost per request is what stands between it and the floor.
  fastify.addHook('onRequest', (request, reply, done) => {
    deadlines.track(reply);
    void reply.header('x-request-id', request.id);
    startTraceSpan(request, reply);
    done();
  });
  // Hook order matters: CORS answers preflights before authentication (browsers send them without a
  // token); an IP over its limit is refused before a token is verified; the caller's own limit after.
  fastify.addHook('onRequest', new CorsPolicy(config.GATEWAY_CORS_ORIGINS, config.GATEWAY_CORS_CREDENTIALS).onRequest);
  const rateLimit =
    config.GATEWAY_RATE_LIMIT_PER_S > 0
      ? new RateLimitHooks({ ratePerS: config.GATEWAY_RATE_LIMIT_PER_S, burst: config.GATEWAY_RATE_LIMIT_BURST, maxClients: config.GATEWAY_RATE_LIMIT_CLIENTS })
      : undefined;
  if (rateLimit !== undefined) fastify.addHook('onRequest', rateLimit.beforeAuth);
  // The token endpoints and the API's description need no bearer token (descriptors with auth 'none'); a disabled or
  // deleted service account's token is refused even when cached.
  const serviceAccounts = app.get(ServiceAccountStates);
  fastify.addHook(
    'onRequest',
    bearerAuthHook(verifier, logger.child('auth'), publicRoutes(ALL_OPERATIONS), (identity) =>
      identity.subjectType === 'service-account' ? serviceAccounts.refusalOf(identity.subjectId) : undefined,
    ),
  );
  if (rateLimit !== undefined) fastify.addHook('onRequest', rateLimit.afterAuth);
  fastify.addHook('onRequest', methodNotAllowedHook(ALL_OPERATIONS));
  const addSecurityHeaders = securityHeaders({ hstsMaxAgeS: config.GATEWAY_HSTS_MAX_AGE_S });
  let stopping: Promise<void> | undefined;
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    addSecurityHeaders(reply);
    // While draining, an answer closes its connection: an idle keep-alive connection would otherwise hold
    // the server's close (and the process) until its keep-alive timeout.
    if (stopping !== undefined) void reply.header('connection', 'close');
    done(null, payload);
  });
  const accessLogSink = new BatchedLineSink();
  const accessLog = config.GATEWAY_ACCESS_LOG && logger.isLevelEnabled('info') ? accessLogHook(options.name, accessLogSink) : undefined;
  fastify.addHook('onResponse', (request, reply, done) => {
    deadlines.forget(reply);
    rateLimit?.onResponse(request, reply);
    httpMetrics.record(request, reply);
    endTraceSpan(request, reply);
    accessLog?.(request, reply);
    done();
  });
  // The web console's files at /console/ (decision 0027), when a build folder is configured.
  serveConsole(fastify, config);
  // The check and check-batch outside Nest: the API's hottest calls, without Nest's per-request pipeline.
  // After Nest's start, which sets the body parsers and the error handler (HttpErrorFilter) they share with the controllers.
  await app.init();
  registerCheckRoutes(fastify, app.get(ServiceCalls));
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  const httpPort = (fastify.server.address() as AddressInfo).port;

  const health = await startHealthServer({
    port: config.HEALTH_PORT,
    host: config.HEALTH_HOST,
    checks: {
      nats: () => !nc.isClosed() && !nc.isDraining(),
      keys: () => verifier.ready,
      serviceAccounts: () => serviceAccounts.ready,
      serving: () => stopping === undefined,
    },
    metrics: () => metrics.render(),
  });
  const steps = new StopSteps();
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('service stopping', { drainDelayMs: config.GATEWAY_DRAIN_DELAY_MS });
      // Readiness is false from here; requests the balancer still sends meanwhile are served, not refused.
      if (config.GATEWAY_DRAIN_DELAY_MS > 0) await steps.run('drain delay', () => sleep(config.GATEWAY_DRAIN_DELAY_MS), logger);
      await steps.run('http close', () => app.close(), logger);
      accessLogSink.flush();
      deadlines.stop();
      await steps.run('nats drain', () => drainNats(nc), logger);
      await steps.run('health close', () => health.close(), logger);
      processMetrics.stop();
      await steps.run('spans flush', () => options.telemetry.shutdown(), logger);
      logger.info('service stopped', steps.summary());
    })());
  // Before "service ready": whoever reads that line may signal at once, and a signal that arrives before
  // the handler is installed kills the process undrained. `on`, not `once`: a second signal during the
  // drain must not kill it either.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      // The drain delay is the stop's by design: the bound counts after it.
      if (stopping === undefined) armStopDeadline(logger, config.GATEWAY_DRAIN_DELAY_MS + config.SERVICE_STOP_TIMEOUT_MS, steps);
      void stop().then(() => process.exit(0));
    });
  }
  logger.info('service ready', { healthPort: health.port, httpPort, pid: process.pid });
  return { httpPort, health, stop };
}

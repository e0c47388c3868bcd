import { type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { type CreateNatsMicroserviceOptions, PLATFORM_STREAM_NAMES, awaitStreams, connectNats, createNatsMicroservice, drainNats } from '@dv/messaging';
import { connectMongo } from '@dv/persistence';
import { type HealthServer, JsonLogger, MetricsRegistry, type Telemetry, registerProcessMetrics, startHealthServer } from '@dv/telemetry';
import { type NatsConnection } from '@nats-io/nats-core';
import { type Connection } from 'mongoose';
import { type BaseConfig } from './base-config';
import { StopSteps, armStopDeadline } from './stop-steps';

export interface ServiceContext<C extends BaseConfig> {
  readonly name: string;
  readonly config: C;
  readonly nc: NatsConnection;
  readonly mongo: Connection;
  readonly logger: JsonLogger;
  readonly metrics: MetricsRegistry;
  /**
   * Aborted at the first moment of a graceful stop, before the transport drains: background work that
   * no request waits for (a reconcile sweep) stops taking new work here, rather than competing with the
   * requests and events still being finished (decision 0035).
   */
  readonly stopping: AbortSignal;
}

export interface RunServiceOptions<C extends BaseConfig> {
  name: string;
  config: C;
  telemetry: Telemetry;
  /** The service's database (each service owns its collections). */
  mongoDb: string;
  appModule: (ctx: ServiceContext<C>) => DynamicModule;
  /** Extra readiness checks beyond NATS and MongoDB. */
  readiness?: (app: INestMicroservice) => Record<string, () => boolean | Promise<boolean>>;
  /** Handle SIGTERM/SIGINT (off in tests that run several services in one process). */
  handleSignals?: boolean;
  /** Settings of the service's durable event consumers (consumeEvents). */
  events?: CreateNatsMicroserviceOptions['events'];
}

export interface RunningService<C extends BaseConfig> {
  readonly ctx: ServiceContext<C>;
  readonly app: INestMicroservice;
  readonly health: HealthServer;
  stop(): Promise<void>;
}

/**
 * Starts a service the same way everywhere: NATS and MongoDB connections, the Nest microservice on
 * our transport, the health/readiness/metrics endpoint, and a graceful stop on SIGTERM/SIGINT
 * (stop taking requests, let in-flight ones finish, drain NATS, close MongoDB, flush spans).
 */
export async function runService<C extends BaseConfig>(options: RunServiceOptions<C>): Promise<RunningService<C>> {
  const logger = new JsonLogger(options.name, { level: options.config.LOG_LEVEL });
  const metrics = new MetricsRegistry();
  const processMetrics = registerProcessMetrics(metrics);
  const nc = await connectNats({
    url: options.config.NATS_URL,
    name: options.name,
    ...(options.config.NATS_USER !== undefined ? { user: options.config.NATS_USER, pass: options.config.NATS_PASSWORD ?? '' } : {}),
  });
  // Streams first: a service may read them while it initializes (snapshots, ordered consumers). They
  // are the provisioner's to create (provisionStreams, before the services); a service only waits.
  await awaitStreams(nc, PLATFORM_STREAM_NAMES, { onWait: (stream) => logger.info('waiting for the provisioning step to create a stream', { stream }) });
  const mongo = await connectMongo({ url: options.config.MONGO_URL, dbName: options.mongoDb });
  const stopSignal = new AbortController();
  const ctx: ServiceContext<C> = { name: options.name, config: options.config, nc, mongo, logger, metrics, stopping: stopSignal.signal };
  const app = await createNatsMicroservice(options.appModule(ctx), {
    nc,
    service: options.name,
    logger,
    // The durable consumers' pending events and dead letters go to the service's /metrics.
    events: { ...options.events, metrics, stopping: stopSignal.signal },
  });
  await app.listen();
  let stopping: Promise<void> | undefined;
  const health = await startHealthServer({
    port: options.config.HEALTH_PORT,
    host: options.config.HEALTH_HOST,
    checks: {
      nats: () => !nc.isClosed() && !nc.isDraining(),
      // Not ready from the first moment of a stop: whatever routes work here stops at once.
      serving: () => stopping === undefined,
      mongo: () => mongo.readyState === 1,
      ...(options.readiness?.(app) ?? {}),
    },
    metrics: () => metrics.render(),
  });
  const steps = new StopSteps();
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('service stopping');
      stopSignal.abort();
      // Nest's close: the transport first (requests drained and answered, consumers stopped), then the destroy hooks.
      await steps.run('requests and events', () => app.close(), logger);
      await steps.run('nats drain', () => drainNats(nc), logger);
      await steps.run('mongodb close', () => mongo.close(), logger);
      await steps.run('health close', () => health.close(), logger);
      processMetrics.stop();
      await steps.run('spans flush', () => options.telemetry.shutdown(), logger);
      logger.info('service stopped', steps.summary());
    })());
  if (options.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      // `on`, not `once`: a second signal during the drain must not kill the process undrained.
      process.on(signal, () => {
        if (stopping === undefined) armStopDeadline(logger, options.config.SERVICE_STOP_TIMEOUT_MS, steps);
        void stop().then(() => process.exit(0));
      });
    }
  }
  // Only now: whoever reads this line may signal at once, and a signal with no handler yet kills the
  // process at the OS level, with no drain (seen in the gateway's test).
  logger.info('service ready', { healthPort: health.port, pid: process.pid });
  return { ctx, app, health, stop };
}

import { type DynamicModule, type INestMicroservice, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NatsConnection } from '@nats-io/nats-core';
import { type NatsTransportOptions, NatsTransportStrategy } from './nats-transport.strategy';
import { MessagingModule } from './messaging.module';
import { RethrowExceptionFilter } from './rethrow-exception.filter';

export interface CreateNatsMicroserviceOptions extends Omit<NatsTransportOptions, 'nc'> {
  nc: NatsConnection;
  logger?: LoggerService | false;
  rpcTimeoutMs?: number;
}

/** A Nest microservice on our NATS transport, with MessagingModule and typed error replies wired in. */
export async function createNatsMicroservice(appModule: Type | DynamicModule, options: CreateNatsMicroserviceOptions): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(
    {
      module: class ServiceRootModule {},
      imports: [
        MessagingModule.forRoot({
          nc: options.nc,
          service: options.service,
          ...(options.rpcTimeoutMs !== undefined ? { rpcTimeoutMs: options.rpcTimeoutMs } : {}),
        }),
        appModule,
      ],
    },
    {
      strategy: new NatsTransportStrategy(options),
      logger: options.logger ?? ['error', 'warn'],
      bufferLogs: false,
    },
  );
  app.useGlobalFilters(new RethrowExceptionFilter());
  // No enableShutdownHooks: the caller's stop (runService) closes the app on SIGTERM. Nest's own hook ran
  // the destroy hooks (followers, relays) before the transport stopped taking requests, beside that stop,
  // and then re-raised SIGTERM, killing the process mid-drain (test/system/rolling-restart.test.ts).
  return app;
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { EventPublisher } from '../events/event-publisher';
import { RefusalRecorder } from '../refusals/refusal-recorder';
import { RpcClient } from '../rpc/rpc-client';

/** Injection token of the service's NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

export interface MessagingModuleOptions {
  nc: NatsConnection;
  service: string;
  rpcTimeoutMs?: number;
}

/** Gives every provider of a service the shared NATS connection, an RpcClient, an EventPublisher and the RefusalRecorder. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const publisher = new EventPublisher(options.nc, `dv/${options.service}`);
    return {
      module: MessagingModule,
      providers: [
        { provide: NATS_CONNECTION, useValue: options.nc },
        { provide: RpcClient, useValue: new RpcClient(options.nc, { timeoutMs: options.rpcTimeoutMs ?? 5000 }) },
        { provide: EventPublisher, useValue: publisher },
        { provide: RefusalRecorder, useValue: new RefusalRecorder(publisher) },
      ],
      exports: [NATS_CONNECTION, RpcClient, EventPublisher, RefusalRecorder],
    };
  }
}

import { type EventDefinition, type RpcDefinition, STREAMS, type StreamName } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { type NatsConnection } from '@nats-io/nats-core';
import { isObservable, lastValueFrom } from 'rxjs';
import { consumeEvents, type ConsumeEventsOptions, type EventConsumerHandle, type EventSubscription } from '../events/consume-events';
import { EventPublisher } from '../events/event-publisher';
import { awaitStreams } from '../events/provision-streams';
import { requestRefusalRecorder } from '../rpc/request-refusals';
import { type RpcSubscription, serveRpc } from '../rpc/serve-rpc';
import { CONTRACT_EXTRA, PUBLIC_EXTRA } from './handler-decorators';

export interface NatsTransportOptions {
  nc: NatsConnection;
  /** The service name: queue group of its RPC subscriptions and durable name of its event consumers. */
  service: string;
  rpcMaxConcurrent?: number;
  events?: Omit<ConsumeEventsOptions, 'stream' | 'durable' | 'subscriptions'>;
}

function streamOf(type: string): StreamName {
  if (type.startsWith('dv.evt.')) return STREAMS.domain.name;
  if (type.startsWith('platform.evt.')) return STREAMS.platform.name;
  throw new Error(`event type ${type} belongs to no stream`);
}

/**
 * NestJS custom transport: plain-JSON request/reply on core NATS with queue groups, and typed
 * JetStream events through durable pull consumers. Nest's own NATS transport wraps bodies in its
 * envelope and knows no JetStream, hence this one.
 */
export class NatsTransportStrategy extends Server implements CustomTransportStrategy {
  private readonly subscriptions: RpcSubscription[] = [];
  private readonly consumers: EventConsumerHandle[] = [];
  private readonly log = new Logger('NatsTransport');

  constructor(private readonly options: NatsTransportOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  private async start(): Promise<void> {
    const { nc, service } = this.options;
    const eventsByStream = new Map<StreamName, EventSubscription[]>();
    // Requests to audited subjects refused before their handlers are events of this service too.
    const recordRefusal = requestRefusalRecorder(new EventPublisher(nc, `dv/${service}`));
    for (const [pattern, handler] of this.messageHandlers) {
      const contract = this.contractOf(pattern, handler);
      if (contract.kind === 'rpc') {
        this.subscriptions.push(
          serveRpc(nc, contract, (request, ctx) => this.invoke(handler, request, ctx), {
            queue: service,
            ...(contract.audit ? { recordRefusal } : {}),
            ...this.publicReasonOf(handler),
            ...(this.options.rpcMaxConcurrent !== undefined ? { maxConcurrent: this.options.rpcMaxConcurrent } : {}),
          }),
        );
      } else {
        const stream = streamOf(contract.type);
        const list = eventsByStream.get(stream) ?? [];
        list.push({ def: contract, handler: async (data, ctx) => void (await this.invoke(handler, data, ctx)) });
        eventsByStream.set(stream, list);
      }
    }
    // The provisioner creates the streams (provisionStreams); a service only checks they are there.
    if (eventsByStream.size > 0) await awaitStreams(nc, [...eventsByStream.keys()]);
    for (const [stream, subscriptions] of eventsByStream) {
      this.consumers.push(await consumeEvents(nc, { ...this.options.events, stream, durable: service, subscriptions }));
    }
    await nc.flush();
    this.log.log(`${service}: ${this.subscriptions.length} request subjects, ${this.consumers.length} event consumers`);
  }

  private contractOf(pattern: string, handler: MessageHandler): RpcDefinition | EventDefinition {
    const extras: Record<string, unknown> | undefined = handler.extras;
    const contract = extras?.[CONTRACT_EXTRA] as RpcDefinition | EventDefinition | undefined;
    if (!contract) throw new Error(`handler for ${pattern} has no contract: use @RpcHandler or @EventHandler`);
    return contract;
  }

  /** `{public: reason}` for a handler declared public, else nothing: the transport then requires a caller. */
  private publicReasonOf(handler: MessageHandler): { public?: string } {
    const extras: Record<string, unknown> | undefined = handler.extras;
    const reason = extras?.[PUBLIC_EXTRA];
    return typeof reason === 'string' ? { public: reason } : {};
  }

  private async invoke(handler: MessageHandler, data: unknown, ctx: unknown): Promise<never> {
    const result: unknown = await handler(data, ctx);
    // Our handlers are async functions: their value is here already. Observables (Nest allows them) are awaited to their last value.
    if (!isObservable(result)) return result as never;
    return (await lastValueFrom(result, { defaultValue: undefined })) as never;
  }

  /**
   * The graceful stop's first step (decision 0031): every request subject is drained at once (the
   * server stops sending this replica requests, its queue-group peers take the new ones, what was
   * already delivered is handled), then every request taken is answered before the consumers stop
   * (a handler may still be waiting for an event). The connection itself drains after (runService).
   */
  async close(): Promise<void> {
    await Promise.all(this.subscriptions.map((sub) => sub.drain().catch(() => undefined)));
    await Promise.all(this.subscriptions.map((sub) => sub.idle()));
    for (const consumer of this.consumers) await consumer.stop();
    this.subscriptions.length = 0;
    this.consumers.length = 0;
  }

  on(): never {
    throw new Error('NatsTransportStrategy has no events to listen to; use the NATS connection status');
  }

  unwrap<T>(): T {
    return this.options.nc as T;
  }
}

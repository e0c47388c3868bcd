import { EventPublisher } from '@dv/messaging';
import { type OutboxRelay } from '@dv/persistence';
import { type ServiceContext } from '@dv/runtime';
import { MetricsRegistry } from '@dv/telemetry';
import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from './config/sharing-config';
import { type SharingListDoc } from './lists/sharing-list.model';
import { SharingListRepository } from './lists/sharing-list.repository';
import { SharingWriter } from './lists/sharing-writer';
import { SharingReactionsController } from './reactions/sharing-reactions.controller';
import { SharingState } from './state/sharing-state';
import { SharingSync } from './state/sharing-sync';
import { SHARING_LIST_RELAY } from './tokens';
import { ListSharingController } from './use-cases/list/list-sharing.controller';
import { ResolveController } from './use-cases/resolve/resolve.controller';
import { UpdateSharingController } from './use-cases/update/update-sharing.controller';

/** Starts the outbox relay once the app is up and stops it with the app. */
class RelayLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(SHARING_LIST_RELAY) private readonly relay: OutboxRelay<SharingListDoc>) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }
  onModuleDestroy(): void {
    this.relay.stop();
  }
}

@Module({})
export class SharingModule {
  static register(ctx: ServiceContext<SharingConfig>): DynamicModule {
    const lists = new SharingListRepository(ctx.mongo);
    return {
      module: SharingModule,
      controllers: [UpdateSharingController, ListSharingController, ResolveController, SharingReactionsController],
      providers: [
        { provide: SHARING_CONFIG, useValue: ctx.config },
        // The projection renders its applied sequences and sizes there (StreamProjection).
        { provide: MetricsRegistry, useValue: ctx.metrics },
        { provide: SharingListRepository, useValue: lists },
        { provide: SHARING_LIST_RELAY, useFactory: (publisher: EventPublisher) => lists.relay(publisher, { metrics: ctx.metrics }), inject: [EventPublisher] },
        SharingState,
        SharingSync,
        SharingWriter,
        RelayLifecycle,
      ],
    };
  }
}

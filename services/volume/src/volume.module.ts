import { createKubeClients, loadKubeConfig } from '@dv/kube';
import { EventPublisher } from '@dv/messaging';
import { Failpoints, type ServiceContext } from '@dv/runtime';
import { MetricsRegistry } from '@dv/telemetry';
import { type DynamicModule, Module } from '@nestjs/common';
import { VolumeAuthorizer } from './authorization/volume-authorizer';
import { VOLUME_CONFIG, type VolumeConfig } from './config/volume-config';
import { VolumeKube } from './kube/volume-kube';
import { VolumeSync } from './listing/volume-sync';
import { LiveProjects } from './projects/live-projects';
import { ClusterRepository } from './projects/cluster.repository';
import { ProjectRepository } from './projects/project.repository';
import { SharedScopesReader } from './sharing/shared-scopes';
import { ProjectProjectionController } from './projects/project-projection.controller';
import { VolumePlacement } from './projects/volume-placement';
import { FAILPOINTS, KUBE_CLIENTS, STOPPING, VOLUME_RELAY } from './tokens';
import { CreateVolumeController } from './use-cases/create/create-volume.controller';
import { DeleteVolumeController } from './use-cases/delete/delete-volume.controller';
import { OriginPvcsController } from './use-cases/origin-pvcs/origin-pvcs.controller';
import { UsageGuard } from './use-cases/delete/usage-guard';
import { ReadVolumesController } from './use-cases/read/read-volumes.controller';
import { UpdateVolumeController } from './use-cases/update/update-volume.controller';
import { ReconcileLoop } from './volumes/reconcile-loop';
import { VolumeEventFactory } from './volumes/volume-event-factory';
import { VolumeReconciler } from './volumes/volume-reconciler';
import { VolumeRepository } from './volumes/volume.repository';

@Module({})
export class VolumeModule {
  static register(ctx: ServiceContext<VolumeConfig>): DynamicModule {
    const volumes = new VolumeRepository(ctx.mongo);
    const kube = createKubeClients(loadKubeConfig(ctx.config.KUBECONFIG !== undefined ? { kubeconfigPath: ctx.config.KUBECONFIG } : {}));
    return {
      module: VolumeModule,
      controllers: [
        CreateVolumeController,
        ReadVolumesController,
        UpdateVolumeController,
        DeleteVolumeController,
        OriginPvcsController,
        ProjectProjectionController,
      ],
      providers: [
        { provide: VOLUME_CONFIG, useValue: ctx.config },
        // The projection renders its applied sequences and sizes there (StreamProjection).
        { provide: MetricsRegistry, useValue: ctx.metrics },
        { provide: VolumeRepository, useValue: volumes },
        { provide: ProjectRepository, useValue: new ProjectRepository(ctx.mongo) },
        { provide: ClusterRepository, useValue: new ClusterRepository(ctx.mongo) },
        { provide: KUBE_CLIENTS, useValue: kube },
        { provide: VOLUME_RELAY, useFactory: (publisher: EventPublisher) => volumes.relay(publisher, { metrics: ctx.metrics }), inject: [EventPublisher] },
        LiveProjects,
        VolumePlacement,
        VolumeAuthorizer,
        VolumeKube,
        VolumeEventFactory,
        VolumeReconciler,
        { provide: FAILPOINTS, useValue: new Failpoints(ctx.config.VOLUME_FAILPOINT) },
        { provide: STOPPING, useValue: ctx.stopping },
        UsageGuard,
        SharedScopesReader,
        ReconcileLoop,
        VolumeSync,
      ],
    };
  }
}

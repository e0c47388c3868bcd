import { createKubeClients, loadKubeConfig } from '@dv/kube';
import { EventPublisher } from '@dv/messaging';
import { OutboxRelay } from '@dv/persistence';
import { Failpoints, type ServiceContext } from '@dv/runtime';
import { MetricsRegistry } from '@dv/telemetry';
import { type DynamicModule, Module } from '@nestjs/common';
import { VolumeAuthorizer } from './authorization/volume-authorizer';
import { VOLUME_CONFIG, type VolumeConfig } from './config/volume-config';
import { VolumeKube } from './kube/volume-kube';
import { VolumeSync } from './listing/volume-sync';
import { LiveProjects } from './projects/live-projects';
import { ProjectDirectory } from './projects/project-directory';
import { SharedScopesReader } from './sharing/shared-scopes';
import { ProjectProjectionController } from './projects/project-projection.controller';
import { VolumePlacement } from './projects/volume-placement';
import { clusterModel, projectModel } from './projects/project.model';
import { CLUSTER_MODEL, FAILPOINTS, KUBE_CLIENTS, PROJECT_MODEL, VOLUME_MODEL, VOLUME_RELAY } from './tokens';
import { CreateVolumeController } from './use-cases/create/create-volume.controller';
import { DeleteVolumeController } from './use-cases/delete/delete-volume.controller';
import { UsageGuard } from './use-cases/delete/usage-guard';
import { ReadVolumesController } from './use-cases/read/read-volumes.controller';
import { UpdateVolumeController } from './use-cases/update/update-volume.controller';
import { ReconcileLoop } from './volumes/reconcile-loop';
import { VolumeEventFactory } from './volumes/volume-event-factory';
import { VolumeReconciler } from './volumes/volume-reconciler';
import { volumeModel } from './volumes/volume.model';

@Module({})
export class VolumeModule {
  static register(ctx: ServiceContext<VolumeConfig>): DynamicModule {
    const volumes = volumeModel(ctx.mongo);
    const kube = createKubeClients(loadKubeConfig(ctx.config.KUBECONFIG !== undefined ? { kubeconfigPath: ctx.config.KUBECONFIG } : {}));
    return {
      module: VolumeModule,
      controllers: [CreateVolumeController, ReadVolumesController, UpdateVolumeController, DeleteVolumeController, ProjectProjectionController],
      providers: [
        { provide: VOLUME_CONFIG, useValue: ctx.config },
        // The projection renders its applied sequences and sizes there (StreamProjection).
        { provide: MetricsRegistry, useValue: ctx.metrics },
        { provide: VOLUME_MODEL, useValue: volumes },
        { provide: PROJECT_MODEL, useValue: projectModel(ctx.mongo) },
        { provide: CLUSTER_MODEL, useValue: clusterModel(ctx.mongo) },
        { provide: KUBE_CLIENTS, useValue: kube },
        { provide: VOLUME_RELAY, useFactory: (publisher: EventPublisher) => new OutboxRelay(volumes, publisher), inject: [EventPublisher] },
        ProjectDirectory,
        LiveProjects,
        VolumePlacement,
        VolumeAuthorizer,
        VolumeKube,
        VolumeEventFactory,
        VolumeReconciler,
        { provide: FAILPOINTS, useValue: new Failpoints(ctx.config.VOLUME_FAILPOINT) },
        UsageGuard,
        SharedScopesReader,
        ReconcileLoop,
        VolumeSync,
      ],
    };
  }
}

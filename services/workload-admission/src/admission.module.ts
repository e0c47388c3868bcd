import { createKubeClients, loadKubeConfig } from '@dv/kube';
import { StreamHeads } from '@dv/messaging';
import { type ServiceContext } from '@dv/runtime';
import { MetricsRegistry } from '@dv/telemetry';
import { type DynamicModule, Module } from '@nestjs/common';
import { BindingRepository } from './bindings/binding.repository';
import { BindingManager } from './bindings/binding-manager';
import { BindingReconciler } from './bindings/binding-reconciler';
import { ADMISSION_CONFIG, type AdmissionConfig } from './config/admission-config';
import { AdmissionMetrics } from './review/admission-metrics';
import { DecisionPublisher } from './review/decision-publisher';
import { ReviewController } from './review/review.controller';
import { ReviewEvaluator } from './review/review-evaluator';
import { ReviewService } from './review/review-service';
import { AdmissionState } from './state/admission-state';
import { AdmissionSync } from './state/admission-sync';
import { KUBE_CLIENTS } from './tokens';
import { UsageController } from './usage/usage.controller';
import { UsageRepository } from './usage/usage.repository';
import { UsageRecords } from './usage/usage-records';
import { UsageSweeper } from './usage/usage-sweeper';
import { WorkloadPresence } from './usage/workload-presence';
import { WebhookServer } from './webhook/webhook-server';

@Module({})
export class AdmissionModule {
  static register(ctx: ServiceContext<AdmissionConfig>): DynamicModule {
    const kube = createKubeClients(loadKubeConfig(ctx.config.KUBECONFIG !== undefined ? { kubeconfigPath: ctx.config.KUBECONFIG } : {}));
    return {
      module: AdmissionModule,
      controllers: [ReviewController, UsageController],
      providers: [
        { provide: ADMISSION_CONFIG, useValue: ctx.config },
        // The projection renders its applied sequences and sizes there (StreamProjection).
        { provide: MetricsRegistry, useValue: ctx.metrics },
        { provide: KUBE_CLIENTS, useValue: kube },
        { provide: BindingRepository, useValue: new BindingRepository(ctx.mongo) },
        { provide: UsageRepository, useValue: new UsageRepository(ctx.mongo) },
        { provide: AdmissionMetrics, useValue: new AdmissionMetrics(ctx.metrics) },
        { provide: StreamHeads, useValue: new StreamHeads(ctx.nc) },
        AdmissionState,
        AdmissionSync,
        BindingManager,
        BindingReconciler,
        DecisionPublisher,
        ReviewEvaluator,
        ReviewService,
        UsageRecords,
        UsageSweeper,
        WorkloadPresence,
        WebhookServer,
      ],
    };
  }
}

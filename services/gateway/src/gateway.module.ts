import { RpcClient } from '@dv/messaging';
import { JsonLogger } from '@dv/telemetry';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type NatsConnection } from '@nats-io/nats-core';
import { ApiDocsController } from './api/api-docs.controller';
import { AUTHORIZATION_CONTROLLERS } from './authorization/authorization-controllers';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway-config';
import { HttpErrorFilter } from './http/http-error.filter';
import { ServiceCalls } from './http/service-calls';
import { SERVICE_ACCOUNT_CONTROLLERS, serviceAccountProviders } from './service-accounts/service-account-providers';
import { TOKEN_CONTROLLERS, tokenProviders } from './tokens/token-providers';
import { CreateVolumeController } from './use-cases/create/create-volume.controller';
import { DeleteVolumeController } from './use-cases/delete/delete-volume.controller';
import { GetVolumeController } from './use-cases/get/get-volume.controller';
import { ListVolumesController } from './use-cases/list/list-volumes.controller';
import { NameAvailabilityController } from './use-cases/name-availability/name-availability.controller';
import { ProjectPvcsController } from './use-cases/project-pvcs/project-pvcs.controller';
import { VolumeSettingsController } from './use-cases/settings/volume-settings.controller';
import { AdmissionReviewController } from './use-cases/admission-review/admission-review.controller';
import { AuditChainController } from './use-cases/audit-chain/audit-chain.controller';
import { AuditLogController } from './use-cases/audit-log/audit-log.controller';
import { AuditLogFileController } from './use-cases/audit-log-file/audit-log-file.controller';
import { VolumeUsageController } from './use-cases/volume-usage/volume-usage.controller';
import { WhoCanController } from './use-cases/who-can/who-can.controller';
import { SharedScopesController } from './use-cases/shared-scopes/shared-scopes.controller';
import { UpdateVolumeController } from './use-cases/update/update-volume.controller';

export interface GatewayModuleContext {
  config: GatewayConfig;
  nc: NatsConnection;
  logger: JsonLogger;
}

@Module({})
export class GatewayModule {
  static register(ctx: GatewayModuleContext): DynamicModule {
    return {
      module: GatewayModule,
      // Static paths (count, name-availability) before `:id`: the router prefers them anyway, this keeps the reading order.
      controllers: [
        ApiDocsController,
        ListVolumesController,
        NameAvailabilityController,
        VolumeSettingsController,
        GetVolumeController,
        SharedScopesController,
        CreateVolumeController,
        UpdateVolumeController,
        DeleteVolumeController,
        ...AUTHORIZATION_CONTROLLERS,
        AuditLogController,
        AuditLogFileController,
        WhoCanController,
        VolumeUsageController,
        ProjectPvcsController,
        AuditChainController,
        AdmissionReviewController,
        ...TOKEN_CONTROLLERS,
        ...SERVICE_ACCOUNT_CONTROLLERS,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: ctx.config },
        { provide: JsonLogger, useValue: ctx.logger },
        { provide: RpcClient, useValue: new RpcClient(ctx.nc, { timeoutMs: ctx.config.GATEWAY_NATS_TIMEOUT_MS }) },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ServiceCalls,
        ...tokenProviders(ctx.config),
        ...serviceAccountProviders(ctx.config, ctx.nc),
      ],
    };
  }
}

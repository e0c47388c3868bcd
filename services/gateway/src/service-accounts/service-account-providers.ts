import { EventPublisher } from '@dv/messaging';
import { type Provider, type Type } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { type GatewayConfig } from '../config/gateway-config';
import { ServiceCalls } from '../http/service-calls';
import { CreateServiceAccountController } from './create/create-service-account.controller';
import { DeleteServiceAccountController } from './delete/delete-service-account.controller';
import { GetServiceAccountController } from './get/get-service-account.controller';
import { ListServiceAccountsController } from './list/list-service-accounts.controller';
import { ProviderAdmin } from './provider-admin';
import { ProviderClients } from './provider-clients';
import { RegenerateServiceAccountSecretController } from './regenerate-secret/regenerate-service-account-secret.controller';
import { ServiceAccountStates } from './service-account-states';
import { ServiceAccountsService } from './service-accounts.service';
import { UpdateServiceAccountController } from './update/update-service-account.controller';

export const SERVICE_ACCOUNT_CONTROLLERS: readonly Type[] = [
  ListServiceAccountsController,
  GetServiceAccountController,
  CreateServiceAccountController,
  RegenerateServiceAccountSecretController,
  UpdateServiceAccountController,
  DeleteServiceAccountController,
];

/** How long a write waits for this replica to apply its own event (a NATS round trip, normally). */
const OWN_EVENT_WAIT_MS = 10_000;

export function serviceAccountProviders(config: GatewayConfig, nc: NatsConnection): Provider[] {
  return [
    { provide: ServiceAccountStates, useFactory: () => new ServiceAccountStates(nc, config.GATEWAY_SERVICE_ACCOUNTS_CATCH_UP_MS) },
    {
      provide: ServiceAccountsService,
      inject: [ServiceCalls, ServiceAccountStates],
      useFactory: (calls: ServiceCalls, states: ServiceAccountStates) =>
        new ServiceAccountsService({
          clients:
            config.GATEWAY_PROVIDER_ADMIN_URL === undefined
              ? undefined
              : new ProviderClients(
                  new ProviderAdmin({
                    url: config.GATEWAY_PROVIDER_ADMIN_URL,
                    token: config.GATEWAY_PROVIDER_ADMIN_TOKEN,
                    timeoutMs: config.GATEWAY_PROVIDER_TIMEOUT_MS,
                  }),
                  config.GATEWAY_OIDC_AUDIENCE,
                ),
          states,
          events: new EventPublisher(nc, 'dv/gateway'),
          calls,
          waitMs: OWN_EVENT_WAIT_MS,
        }),
    },
  ];
}

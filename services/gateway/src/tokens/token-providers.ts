import { type Provider, type Type } from '@nestjs/common';
import { type GatewayConfig } from '../config/gateway-config';
import { IssueTokenV1Controller } from './issue-v1/issue-token-v1.controller';
import { IssueTokenV2Controller } from './issue-v2/issue-token-v2.controller';
import { ProviderTokenEndpoint } from './provider-token-endpoint';

export const TOKEN_CONTROLLERS: readonly Type[] = [IssueTokenV2Controller, IssueTokenV1Controller];

export function tokenProviders(config: GatewayConfig): Provider[] {
  return [
    {
      provide: ProviderTokenEndpoint,
      useValue: new ProviderTokenEndpoint({
        issuer: config.GATEWAY_OIDC_ISSUER,
        tokenUrl: config.GATEWAY_OIDC_TOKEN_URL,
        audience: config.GATEWAY_OIDC_AUDIENCE,
        timeoutMs: config.GATEWAY_PROVIDER_TIMEOUT_MS,
      }),
    },
  ];
}

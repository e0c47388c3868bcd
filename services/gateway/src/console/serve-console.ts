import { type FastifyInstance } from 'fastify';
import { type GatewayConfig } from '../config/gateway-config';
import { loadConsoleFiles } from './console-files';
import { registerConsoleRoutes } from './console-routes';
import { ProviderEndpointsCache } from './provider-endpoints';

/** Serves the console when GATEWAY_CONSOLE_DIR is set (with its client id: the config refuses one without the other). */
export function serveConsole(
  fastify: FastifyInstance,
  config: Pick<
    GatewayConfig,
    | 'GATEWAY_CONSOLE_DIR'
    | 'GATEWAY_CONSOLE_CLIENT_ID'
    | 'GATEWAY_CONSOLE_SCOPES'
    | 'GATEWAY_OIDC_ISSUER'
    | 'GATEWAY_OIDC_AUDIENCE'
    | 'GATEWAY_PROVIDER_TIMEOUT_MS'
  >,
): boolean {
  if (config.GATEWAY_CONSOLE_DIR === undefined || config.GATEWAY_CONSOLE_CLIENT_ID === undefined) return false;
  registerConsoleRoutes(fastify, {
    files: loadConsoleFiles(config.GATEWAY_CONSOLE_DIR),
    config: {
      issuer: config.GATEWAY_OIDC_ISSUER,
      clientId: config.GATEWAY_CONSOLE_CLIENT_ID,
      audience: config.GATEWAY_OIDC_AUDIENCE,
      scopes: config.GATEWAY_CONSOLE_SCOPES,
    },
    endpoints: new ProviderEndpointsCache(config.GATEWAY_OIDC_ISSUER, config.GATEWAY_PROVIDER_TIMEOUT_MS),
  });
  return true;
}

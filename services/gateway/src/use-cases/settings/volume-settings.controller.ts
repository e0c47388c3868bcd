import { Controller, Get, Inject } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';

/**
 * `GET /api/v1/datavolumes/settings` → `{enableDataVolumes}`. The reference switches the feature per
 * tenant, and one deployment serves one tenant there: here it is the gateway's
 * GATEWAY_ENABLE_DATA_VOLUMES (default true). Any signed-in caller may read it (the console asks
 * before showing the feature); nothing else consults it (decision 0022).
 */
@Controller('api/v1/datavolumes')
export class VolumeSettingsController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Get('settings')
  settings(): { enableDataVolumes: boolean } {
    return { enableDataVolumes: this.config.GATEWAY_ENABLE_DATA_VOLUMES };
  }
}

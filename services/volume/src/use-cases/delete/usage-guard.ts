import { DvError, VolumeUsageRpc } from '@dv/contracts';
import { RpcClient } from '@dv/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { VOLUME_CONFIG, type VolumeConfig } from '../../config/volume-config';

/**
 * Refuses to delete a volume a workload uses, asking workload admission (`dv.admission.usage`).
 * What "no answer" means is VOLUME_USAGE_CHECK (see the config and docs/decisions/0009):
 * `required` (default) refuses, `advisory` deletes and logs it, `off` never asks.
 */
@Injectable()
export class UsageGuard {
  private readonly logger = new Logger('UsageGuard');

  constructor(
    private readonly rpc: RpcClient,
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
  ) {}

  async requireUnused(volumeId: string, name: string): Promise<void> {
    const mode = this.config.VOLUME_USAGE_CHECK;
    if (mode === 'off') return;
    let usage;
    try {
      usage = await this.rpc.call(
        VolumeUsageRpc.usage,
        { volumeId },
        { timeoutMs: this.config.VOLUME_USAGE_TIMEOUT_MS, identity: { subjectId: 'volume', subjectType: 'service-account' } },
      );
    } catch (error) {
      if (!(error instanceof DvError) || error.code !== 'UNAVAILABLE') throw error;
      if (mode === 'required') {
        throw DvError.precondition(`cannot tell whether data volume ${name} is in use (workload admission does not answer), so it is not deleted`, {
          id: volumeId,
          reason: 'usage-unknown',
        });
      }
      this.logger.warn(`deleting data volume ${volumeId} without knowing its usage: ${error.message}`);
      return;
    }
    if (usage.inUse) {
      const named = usage.workloads.map((w) => `${w.kind} ${w.name} in namespace ${w.namespace}`).join(', ');
      throw DvError.precondition(
        `data volume ${name} is in use${named ? ` by ${named}` : ' (workload admission says so)'}: stop those workloads before deleting it`,
        { id: volumeId, reason: 'in-use', workloads: usage.workloads },
      );
    }
  }
}

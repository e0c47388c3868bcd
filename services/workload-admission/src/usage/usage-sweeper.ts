import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { UsageRecords } from './usage-records';

const SWEEP_EVERY_MS = 3600_000;

/**
 * Deletes released usage records and tombstones once their retention is over (every replica, hourly:
 * the delete is idempotent). Without it every deleted workload of the platform would leave a
 * tombstone for good.
 */
@Injectable()
export class UsageSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UsageSweeper');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly records: UsageRecords,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const expired = await this.records.expire(new Date(Date.now() - this.config.ADMISSION_RELEASE_RETENTION_MS));
      if (expired > 0) this.logger.log(`expired ${expired} released usage records`);
      return expired;
    } catch (error) {
      this.logger.warn(`expiring released usage records failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }
}

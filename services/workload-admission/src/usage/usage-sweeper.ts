import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { UsageRecords } from './usage-records';

const SWEEP_EVERY_MS = 3600_000;
/** Revision claims are kept a minute (decision 0012); folding and pruning them twice a minute keeps their collection small. */
const CLAIMS_EVERY_MS = 30_000;

/**
 * Deletes released usage records and tombstones once their retention is over (every replica, hourly:
 * the delete is idempotent). Without it every deleted workload of the platform would leave a
 * tombstone for good.
 */
@Injectable()
export class UsageSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UsageSweeper');
  private timer: NodeJS.Timeout | undefined;
  private claimsTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly records: UsageRecords,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
    this.claimsTimer = setInterval(() => void this.pruneClaims(), CLAIMS_EVERY_MS);
    this.claimsTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.claimsTimer) clearInterval(this.claimsTimer);
  }

  /** Folds the usage records' old revision claims into them and removes the claims (each call takes up to 1000). */
  async pruneClaims(): Promise<number> {
    let pruned = 0;
    try {
      for (let round = 0; round < 20; round++) {
        const n = await this.records.maintainClaims();
        pruned += n;
        if (n < 1000) break;
      }
    } catch (error) {
      this.logger.warn(`pruning usage revision claims failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return pruned;
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

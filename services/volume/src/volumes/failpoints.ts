import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Failpoint, VOLUME_CONFIG, type VolumeConfig } from '../config/volume-config';

/** Fault injection for crash tests (VOLUME_FAILPOINT): the process dies at once, as with SIGKILL, at the named point. */
@Injectable()
export class Failpoints {
  private readonly logger = new Logger('Failpoints');

  constructor(@Inject(VOLUME_CONFIG) private readonly config: VolumeConfig) {}

  hit(point: Exclude<Failpoint, 'none'>): void {
    if (this.config.VOLUME_FAILPOINT !== point) return;
    this.logger.warn(`failpoint ${point}: killing the process`);
    process.kill(process.pid, 'SIGKILL');
  }
}

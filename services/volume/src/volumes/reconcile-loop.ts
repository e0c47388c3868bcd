import { type OutboxRelay } from '@dv/persistence';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type Model } from 'mongoose';
import { VOLUME_CONFIG, type VolumeConfig } from '../config/volume-config';
import { VOLUME_MODEL, VOLUME_RELAY } from '../tokens';
import { type DataVolumePhase } from '@dv/contracts';
import { VolumeReconciler } from './volume-reconciler';
import { type VolumeDoc } from './volume.model';

const SWEEP_BATCH = 200;

/**
 * Starts the outbox relay, then reconciles on a timer: volumes not Ready (Creating, NotReady,
 * Deleting) every VOLUME_RECONCILE_INTERVAL_MS, Ready ones every VOLUME_RESYNC_INTERVAL_MS (drift).
 * On start it reconciles at once: what a crashed process left half-made is completed.
 */
@Injectable()
export class ReconcileLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReconcileLoop');
  private readonly timers: NodeJS.Timeout[] = [];
  private sweeping = false;

  constructor(
    @Inject(VOLUME_MODEL) private readonly model: Model<VolumeDoc>,
    @Inject(VOLUME_RELAY) private readonly relay: OutboxRelay<VolumeDoc>,
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
    private readonly reconciler: VolumeReconciler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
    void this.sweep(['Creating', 'NotReady', 'Deleting', 'Ready']);
    this.every(this.config.VOLUME_RECONCILE_INTERVAL_MS, ['Creating', 'NotReady', 'Deleting']);
    this.every(this.config.VOLUME_RESYNC_INTERVAL_MS, ['Ready']);
  }

  onModuleDestroy(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    this.relay.stop();
  }

  private every(ms: number, phases: readonly DataVolumePhase[]): void {
    const timer = setInterval(() => void this.sweep(phases), ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async sweep(phases: readonly DataVolumePhase[]): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const docs = await this.model
        .find({ 'status.phase': { $in: [...phases] } }, { _id: 1 })
        .sort({ updatedAt: 1 })
        .limit(SWEEP_BATCH)
        .lean<Pick<VolumeDoc, '_id'>[]>()
        .exec();
      for (const doc of docs) await this.reconciler.reconcile(doc._id);
    } catch (error) {
      this.logger.warn(`reconcile sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.sweeping = false;
    }
  }
}

import { type OutboxRelay } from '@dv/persistence';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { VOLUME_CONFIG, type VolumeConfig } from '../config/volume-config';
import { STOPPING, VOLUME_RELAY } from '../tokens';
import { type RetryPolicy, leaseUntil, retryPolicyOf } from './reconcile-schedule';
import { VolumeReconciler } from './volume-reconciler';
import { type VolumeDoc } from './volume.model';
import { type DueVolume, VolumeRepository } from './volume.repository';

/**
 * Starts the outbox relay, then reconciles what is due, every VOLUME_RECONCILE_INTERVAL_MS: the
 * volumes whose `nextAttemptAt` has passed, due-first, at most VOLUME_RECONCILE_BATCH a round.
 * Every attempt moves a volume's `nextAttemptAt` (Ready: the drift check VOLUME_RESYNC_INTERVAL_MS
 * later; otherwise backing off from VOLUME_RECONCILE_INTERVAL_MS up to VOLUME_RECONCILE_MAX_BACKOFF_MS),
 * so volumes that keep failing cannot hold the head of the queue: every due volume gets its turn.
 * On start it reconciles at once: what a crashed process left half-made is due and is completed.
 * From the first moment of a graceful stop it takes no new volume (the rest stay due, for another
 * replica or the next start), and the stop waits for the one being reconciled (decision 0035).
 */
@Injectable()
export class ReconcileLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReconcileLoop');
  private readonly policy: RetryPolicy;
  private timer: NodeJS.Timeout | undefined;
  /** The sweep running, if any: what the stop waits for. */
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly volumes: VolumeRepository,
    @Inject(VOLUME_RELAY) private readonly relay: OutboxRelay<VolumeDoc>,
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
    private readonly reconciler: VolumeReconciler,
    @Inject(STOPPING) private readonly stopping: AbortSignal,
  ) {
    this.policy = retryPolicyOf(config);
    stopping.addEventListener('abort', () => this.halt(), { once: true });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.VOLUME_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Destroy hook: no more rounds; the volume being reconciled is finished (its events flushed) before NATS drains. */
  async onModuleDestroy(): Promise<void> {
    this.halt();
    await this.sweeping;
    this.relay.stop();
  }

  /** No round starts from now on, and the one running takes no further volume. */
  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: the volumes due now, due-first; each leased (so no other replica takes it meanwhile), then reconciled. How many were. */
  sweep(): Promise<number> {
    if (this.sweeping || this.stopping.aborted) return Promise.resolve(0);
    this.sweeping = this.round().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async round(): Promise<number> {
    let done = 0;
    try {
      const now = Date.now();
      const docs = await this.volumes.due(new Date(now).toISOString(), this.config.VOLUME_RECONCILE_BATCH);
      for (const doc of docs) {
        // Stopping: the rest stay due (not leased), for another replica or the next start.
        if (this.stopping.aborted) break;
        if (!(await this.lease(doc, now))) continue;
        await this.reconciler.reconcile(doc._id);
        done++;
      }
    } catch (error) {
      this.logger.warn(`reconcile sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return done;
  }

  /** Moves a due volume's next attempt past this one, unless someone else did first (another replica's sweep, a write). */
  private async lease(doc: DueVolume, now: number): Promise<boolean> {
    return this.volumes.updateWithoutEvents(doc._id, (current) => current.nextAttemptAt === doc.nextAttemptAt, {
      $set: { nextAttemptAt: leaseUntil(doc.attempts ?? 0, now, this.policy) },
    });
  }
}

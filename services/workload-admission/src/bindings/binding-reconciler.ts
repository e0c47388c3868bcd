import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { AdmissionState } from '../state/admission-state';
import { type BindingDoc } from './binding.model';
import { BindingRepository } from './binding.repository';
import { BindingManager } from './binding-manager';

/**
 * Finishes what a replica that died (or got stuck) in the middle of a binding left: at start-up,
 * once this replica has replayed the streams, and every lease after. A record left Creating or
 * Releasing for longer than ADMISSION_BINDING_LEASE_MS is claimed (conditionally: one replica wins)
 * and then made (the volume is still usable there) or removed (it is not); a Bound record whose
 * created event never went out (a crash in between) is announced. Nothing waits for a review to
 * come by.
 */
@Injectable()
export class BindingReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BindingReconciler');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly state: AdmissionState,
    private readonly manager: BindingManager,
    private readonly bindings: BindingRepository,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile(true);
    this.timer = setInterval(() => void this.reconcile(false), this.config.ADMISSION_BINDING_LEASE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Returns how many records it settled. `all`: also announce Bound records this replica does not know. */
  async reconcile(all: boolean): Promise<number> {
    this.running ??= this.pass(all)
      .catch((error: unknown) => {
        this.logger.warn(`reconciling bindings failed: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(all: boolean): Promise<number> {
    const docs = await this.bindings.unsettled(all);
    const expired = Date.now() - this.config.ADMISSION_BINDING_LEASE_MS;
    let settled = 0;
    for (const doc of docs) {
      try {
        if (doc.state === 'Bound') {
          if (!this.state.bindings.get(doc.volumeId, doc.namespace)) {
            await this.manager.bound(doc, undefined);
            settled++;
          }
        } else if (doc.updatedAt.getTime() <= expired && (await this.settle(doc))) {
          settled++;
        }
      } catch (error) {
        this.logger.warn(`binding ${doc._id} not settled yet: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (settled > 0) this.logger.log(`settled ${settled} bindings left unfinished`);
    return settled;
  }

  private async settle(doc: BindingDoc): Promise<boolean> {
    const volume = this.state.volumes.get(doc.volumeId);
    const keep = doc.state === 'Creating' && volume !== undefined && volume.phase !== 'Deleting' && this.manager.usableThere(doc.volumeId, doc.namespace);
    const claimed = await this.manager.claim(doc, keep ? 'Creating' : 'Releasing');
    if (!claimed) return false;
    if (keep && volume) {
      await this.manager.make(claimed, volume);
      await this.manager.bound(claimed, undefined);
      return true;
    }
    return this.manager.release(claimed, volume && volume.phase !== 'Deleting' ? 'unshared' : 'volume-deleted', false);
  }
}

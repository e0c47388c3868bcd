import { type VolumeRepository } from './volume.repository';

/**
 * Whether a volume holds the name (its `nameKey`). A record being purged has had its deleted event
 * published already (reads no longer show it) and is removed next, so it is waited for, briefly:
 * a name whose volume get answers NOT_FOUND for is free again, not taken for a moment more.
 */
export async function nameInUse(volumes: VolumeRepository, nameKey: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = await volumes.nameHolder(nameKey);
    if (!holder) return false;
    if (!holder.purging || Date.now() >= deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

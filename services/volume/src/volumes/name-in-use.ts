import { type Model } from 'mongoose';
import { type VolumeDoc } from './volume.model';

/**
 * Whether a volume holds the name (its `nameKey`). A record being purged has had its deleted event
 * published already (reads no longer show it) and is removed next, so it is waited for, briefly:
 * a name whose volume get answers NOT_FOUND for is free again, not taken for a moment more.
 */
export async function nameInUse(model: Model<VolumeDoc>, nameKey: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = await model.findOne({ nameKey }, { _id: 1, purging: 1 }).lean<Pick<VolumeDoc, '_id' | 'purging'>>().exec();
    if (!holder) return false;
    if (!holder.purging || Date.now() >= deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

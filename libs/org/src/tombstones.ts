/** How many tombstones a view keeps, and for how long after the deletion (event time). */
export interface TombstoneLimits {
  max: number;
  retentionMs: number;
}

/** Generous defaults: a late duplicate is one re-published after JetStream's 10-minute duplicate window. */
export const DEFAULT_TOMBSTONE_LIMITS: TombstoneLimits = { max: 100_000, retentionMs: 3_600_000 };

/**
 * The versions at which aggregates were deleted, so that a late duplicate of an older event (a relay
 * that re-publishes after the stream's duplicate window) cannot bring one back into an in-memory
 * view. Bounded: the most recent `max`, none older than `retentionMs` before the newest deletion
 * seen (event times, so a replay at start keeps what a live follower would). Deletions arrive in
 * stream order, so the oldest is always first in the map.
 */
export class Tombstones {
  private readonly entries = new Map<string, { version: number; at: number }>();
  private newest = 0;

  constructor(private readonly limits: TombstoneLimits = DEFAULT_TOMBSTONE_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  /** The version at which the aggregate was deleted, if a tombstone is kept. */
  version(id: string): number | undefined {
    return this.entries.get(id)?.version;
  }

  /** Records a deletion at its event time (ms), dropping what falls outside the limits. */
  add(id: string, version: number, at: number): void {
    this.entries.delete(id);
    this.entries.set(id, { version, at });
    this.newest = Math.max(this.newest, at);
    const oldest = this.newest - this.limits.retentionMs;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.limits.max && entry.at >= oldest) break;
      this.entries.delete(key);
    }
  }

  /** The aggregate lives again (a newer event): its tombstone goes. */
  delete(id: string): void {
    this.entries.delete(id);
  }
}

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
 *
 * What falls out is not simply forgotten: the newest deletion time dropped is the view's horizon. An
 * event about an aggregate the view neither holds nor remembers, made at or before the horizon, may
 * be a late duplicate about one whose tombstone was dropped (any aggregate live then is held, since
 * the view follows the stream from its start), so it is refused; after the horizon, the aggregate is
 * new. See `admits` and decisions/0017.
 */
export class Tombstones {
  private readonly entries = new Map<string, { version: number; at: number }>();
  private newest = 0;
  private forgottenUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly limits: TombstoneLimits = DEFAULT_TOMBSTONE_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  /** The event time (ms) of the newest deletion dropped: events about unknown aggregates up to it are refused. */
  get horizon(): number {
    return this.forgottenUntil;
  }

  /** The version at which the aggregate was deleted, if a tombstone is kept. */
  version(id: string): number | undefined {
    return this.entries.get(id)?.version;
  }

  /**
   * Whether an event about `id` (its aggregate version, whether it deletes, its event time in ms)
   * applies to a view that holds the aggregate at `heldVersion` (undefined: not held). Held: only a
   * newer version, or the deletion of the held version. Tombstoned: only a newer version. Unknown:
   * only an event made after the horizon.
   */
  admits(id: string, version: number, deletes: boolean, heldVersion: number | undefined, at: number): boolean {
    if (heldVersion !== undefined) return version > heldVersion || (version === heldVersion && deletes);
    const deletedAt = this.entries.get(id)?.version;
    if (deletedAt !== undefined) return version > deletedAt;
    return version > 0 && at > this.forgottenUntil;
  }

  /** Whether something about an aggregate the view does not hold (a sharing list) applies: not deleted, nor possibly forgotten. */
  admitsAbout(id: string, at: number): boolean {
    return !this.entries.has(id) && at > this.forgottenUntil;
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
      this.forgottenUntil = Math.max(this.forgottenUntil, entry.at);
    }
  }

  /** The aggregate lives again (a newer event): its tombstone goes. */
  delete(id: string): void {
    this.entries.delete(id);
  }
}

/** What authz answered for one check of a review. */
export interface CachedDecision {
  readonly allowed: boolean;
  readonly message: string;
}

interface Entry {
  readonly generation: number;
  readonly decisions: readonly CachedDecision[];
}

/**
 * authz's answers to the checks of a review (may this subject create this kind, and read data volumes,
 * in this project), kept until anything that could change them is seen: each entry carries the
 * permissions generation (AdmissionState) it was asked in, and the generation moves with every
 * access-rule and org event this replica applies. authz is asked at this replica's own revision, so an
 * answer is never older than what this replica has seen; a change it has not seen yet moves the
 * generation when it arrives. A researcher submitting many workloads to one project then costs one
 * authz round trip, not one per review. Bounded: the oldest entries go first.
 */
export class PermissionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, generation: number): readonly CachedDecision[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== generation) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.decisions;
  }

  set(key: string, generation: number, decisions: readonly CachedDecision[]): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { generation, decisions });
  }
}

import { type ReviewedWorkload } from '@dv/contracts';

/** One admission of a workload that uses a volume: the usage record it was (or will be) written as. */
export interface UsageCandidate {
  /** The usage record's `_id` (usageKey). */
  key: string;
  reviewId: string;
  admittedAtMs: number;
  /** The workload as its admitted event names it: what a usage answer says while the record is not written yet. */
  workload: ReviewedWorkload;
}

/** What a usage record says about a candidate once read by `_id`. */
export type CandidateState = 'holds' | 'gone' | 'pending';

/**
 * Which admissions may use each volume, in this replica's memory, kept from the admitted events (every
 * replica follows them) and from the usage records in MongoDB at start: the usage check reads only the
 * records it names, each by `_id` (the one lookup every store serves from an index; FerretDB on SQLite
 * scans for a query on `volumeIds`, which grew with every review). A superset: an admission whose
 * record is not written yet, or was released, replaced or expired, stays until a check reads its
 * record and finds it can no longer hold it (`gone`), or a workload event releases it here too. An
 * admission whose record is not written yet is in use all the same (`pending`): its event is stored.
 */
export class UsageIndex {
  private readonly byVolume = new Map<string, Map<string, UsageCandidate>>();
  private readonly volumesByKey = new Map<string, Set<string>>();

  get size(): number {
    return this.volumesByKey.size;
  }

  add(volumeIds: readonly string[], candidate: UsageCandidate): void {
    for (const volumeId of volumeIds) {
      let candidates = this.byVolume.get(volumeId);
      if (!candidates) this.byVolume.set(volumeId, (candidates = new Map()));
      const known = candidates.get(candidate.key);
      // One per record per volume: the newer admission of a workload is the one its record can hold.
      if (!known || known.admittedAtMs < candidate.admittedAtMs) candidates.set(candidate.key, candidate);
      let volumes = this.volumesByKey.get(candidate.key);
      if (!volumes) this.volumesByKey.set(candidate.key, (volumes = new Set()));
      volumes.add(volumeId);
    }
  }

  /** The candidates of a volume, in key order (the order the usage answer lists workloads in). */
  candidates(volumeId: string): UsageCandidate[] {
    const candidates = [...(this.byVolume.get(volumeId)?.values() ?? [])];
    return candidates.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Forgets a candidate of a volume (its record can no longer hold it). */
  drop(volumeId: string, candidate: UsageCandidate): void {
    const candidates = this.byVolume.get(volumeId);
    if (candidates?.get(candidate.key) !== candidate) return;
    candidates.delete(candidate.key);
    if (candidates.size === 0) this.byVolume.delete(volumeId);
    const volumes = this.volumesByKey.get(candidate.key);
    volumes?.delete(volumeId);
    if (volumes?.size === 0) this.volumesByKey.delete(candidate.key);
  }

  /** A workload finished or was deleted at `releasedAtMs`: its admissions before then are over. */
  release(keys: readonly string[], releasedAtMs: number): void {
    for (const key of keys) {
      for (const volumeId of [...(this.volumesByKey.get(key) ?? [])]) {
        const candidate = this.byVolume.get(volumeId)?.get(key);
        if (candidate && candidate.admittedAtMs < releasedAtMs) this.drop(volumeId, candidate);
      }
    }
  }
}

/**
 * What a usage record (read by `_id`; null when there is none) says about a candidate of a volume:
 * the workload uses the volume now (whichever of its admissions the record holds): `holds`; the
 * candidate's admission can never come to be recorded (this admission released, or a newer admission
 * or a later release recorded): `gone`; it is admitted (its event is stored) but not recorded yet (no
 * record yet, or an older admission whose replacement is not written yet): `pending`, which the usage
 * answer counts as in use (decision 0034). No record at all for an admission older than
 * `forgottenBeforeMs` (now minus the retention of released records) is `gone`: its record was
 * released and has expired since.
 */
export function candidateState(
  record: { reviewId: string; admittedAt: Date; releasedAt?: Date | undefined; volumeIds: readonly string[] } | null,
  candidate: UsageCandidate,
  volumeId: string,
  forgottenBeforeMs: number,
): CandidateState {
  if (!record) return candidate.admittedAtMs < forgottenBeforeMs ? 'gone' : 'pending';
  if (record.volumeIds.includes(volumeId)) return 'holds';
  const recordAt = record.admittedAt.getTime();
  if (record.reviewId === candidate.reviewId || recordAt > candidate.admittedAtMs) return 'gone';
  if (record.releasedAt && record.releasedAt.getTime() >= candidate.admittedAtMs) return 'gone';
  return 'pending';
}

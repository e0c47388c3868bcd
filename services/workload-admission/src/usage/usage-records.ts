import { type EventData, type AdmissionEvents, type ReviewedWorkload, type WorkloadRef } from '@dv/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { AdmissionState } from '../state/admission-state';
import { type UsageCandidate, candidateState } from './usage-index';
import { isNamed, releaseKeys, usageKey } from './usage-key';
import { type UsageDoc } from './usage.model';
import { UsageRepository } from './usage.repository';

/** The most workloads one usage answer names (the volume service's contract caps it at 100). */
export const MAX_LISTED = 100;
/** Attempts of a release that races admissions of the same workload (each conditional write either lands or is re-read). */
const RELEASE_ATTEMPTS = 3;
/** Records read by `_id` at once while a volume's users are checked. */
const LOOKUPS_AT_ONCE = 25;

/**
 * A workload using a volume: its usage record, or an admission whose event is stored but whose record
 * the usage consumer has not written yet (decision 0034: in use all the same, named from its event).
 */
export type VolumeUser = { recorded: true; doc: UsageDoc } | { recorded: false; candidate: UsageCandidate };

/** The workload a volume user names. */
export function workloadOf(user: VolumeUser): ReviewedWorkload {
  if (!user.recorded) return user.candidate.workload;
  const d = user.doc;
  return {
    kind: d.kind,
    name: d.name,
    namespace: d.namespace,
    projectId: d.projectId,
    ...(d.apiVersion ? { apiVersion: d.apiVersion } : {}),
    ...(d.workloadId ? { workloadId: d.workloadId } : {}),
  };
}

/**
 * The usage records and every write to them. Ordering between an admission and the release of the
 * same workload comes from the events' times (the review's, the platform's event): a release ends
 * every admission older than it, an admission replaces an older one unless a release came after it.
 * The events arrive on two streams through concurrent consumers, so either may be handled first.
 */
@Injectable()
export class UsageRecords {
  constructor(
    private readonly usages: UsageRepository,
    private readonly state: AdmissionState,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  /** At start: puts the records in use into this replica's usage index (one read of the collection); returns how many. */
  async indexRecordsInUse(): Promise<number> {
    const docs = await this.usages.notReleased();
    let inUse = 0;
    for (const doc of docs) {
      if (doc.volumeIds.length === 0) continue;
      this.state.usage.add(doc.volumeIds, {
        key: doc._id,
        reviewId: doc.reviewId,
        admittedAtMs: doc.admittedAt.getTime(),
        workload: workloadOf({ recorded: true, doc }),
      });
      inUse++;
    }
    return inUse;
  }

  /** Records an admission; false when a newer admission or a later release of the workload is already known. */
  async admitted(data: EventData<typeof AdmissionEvents.admitted>, admittedAt: Date): Promise<boolean> {
    const w = data.workload;
    const doc: UsageDoc = {
      _id: usageKey(w, data.reviewId),
      volumeIds: data.dataVolumes.map((m) => m.id),
      namespace: w.namespace,
      projectId: w.projectId,
      kind: w.kind,
      name: w.name,
      reviewId: data.reviewId,
      via: data.via,
      admittedAt,
      generated: !isNamed(w.name),
      ...(w.apiVersion ? { apiVersion: w.apiVersion } : {}),
      ...(w.workloadId ? { workloadId: w.workloadId } : {}),
    };
    // Every replica's follower adds it too; this one may answer a usage check before its follower gets there.
    this.state.usage.add(doc.volumeIds, { key: doc._id, reviewId: doc.reviewId, admittedAtMs: admittedAt.getTime(), workload: w });
    // The common case is a workload seen for the first time: an insert (the _id index answers it). A
    // taken key means the identity is known: admitted before (a resubmit, a retried create), released,
    // or this event redelivered; the guarded change then decides by the admission times.
    if (await this.usages.insertFirst(doc)) return true;
    return this.usages.replaceWithNewer(doc);
  }

  /**
   * Releases what the workload's admissions before `releasedAt` recorded (by workload id, or
   * namespace, kind and name) and leaves a tombstone under each identity that has no record yet.
   * Returns the volumes released.
   */
  async released(ref: WorkloadRef, releasedAt: Date): Promise<string[]> {
    const volumes = new Set<string>();
    for (let attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt++) {
      let raced = false;
      const docs = await this.usages.ofWorkload(ref);
      for (const doc of docs) {
        if (doc.admittedAt >= releasedAt || (doc.releasedAt && doc.releasedAt >= releasedAt)) continue; // a later incarnation, or released by a later event
        if (await this.release(doc, releasedAt)) for (const v of doc.volumeIds) volumes.add(v);
        else raced = true;
      }
      const known = new Set(docs.map((d) => d._id));
      for (const key of releaseKeys(ref)) {
        if (known.has(key)) continue;
        const tombstone: UsageDoc = {
          _id: key,
          volumeIds: [],
          namespace: ref.namespace,
          projectId: ref.projectId,
          kind: ref.kind,
          name: ref.name,
          workloadId: ref.workloadId,
          reviewId: '',
          via: 'rpc',
          admittedAt: new Date(0),
          releasedAt,
          generated: false,
          ...(ref.apiVersion ? { apiVersion: ref.apiVersion } : {}),
        };
        if (!(await this.usages.insertIfAbsent(tombstone))) raced = true; // an admission landed meanwhile: read again
      }
      if (!raced) break;
    }
    return [...volumes];
  }

  /** Releases this very record (the admission it holds), unless it changed meanwhile. */
  async release(doc: UsageDoc, releasedAt: Date): Promise<boolean> {
    return this.usages.release(doc, releasedAt);
  }

  /** Records the name Kubernetes gave an object created with generateName, so its deleted event finds it. */
  async named(doc: UsageDoc, name: string): Promise<void> {
    await this.usages.named(doc, name);
  }

  /**
   * The workloads using a volume (at most MAX_LISTED, in key order): the usage index's candidates, each
   * record read by `_id`; an admission not recorded yet counts (see VolumeUser).
   */
  async using(volumeId: string): Promise<VolumeUser[]> {
    return this.usersOf(volumeId, () => true, MAX_LISTED);
  }

  /** Whether a workload in the namespace uses the volume (a binding there is still needed). */
  async anyIn(volumeId: string, namespace: string): Promise<boolean> {
    return (await this.usersOf(volumeId, (user) => workloadOf(user).namespace === namespace, 1)).length > 0;
  }

  /**
   * The users (in key order, at most `limit` of those `accept` takes) of the volume, found from the
   * usage index (never a query on `volumeIds`, which FerretDB answers by scanning): the records that
   * hold it, and the admissions not recorded yet; a candidate whose record can no longer hold its
   * admission leaves the index.
   */
  private async usersOf(volumeId: string, accept: (user: VolumeUser) => boolean, limit: number): Promise<VolumeUser[]> {
    const candidates = this.state.usage.candidates(volumeId);
    const forgottenBeforeMs = Date.now() - this.config.ADMISSION_RELEASE_RETENTION_MS;
    const found: VolumeUser[] = [];
    for (let i = 0; i < candidates.length && found.length < limit; i += LOOKUPS_AT_ONCE) {
      const batch = candidates.slice(i, i + LOOKUPS_AT_ONCE);
      const docs = await Promise.all(batch.map((c) => this.usages.byKey(c.key)));
      for (const [j, candidate] of batch.entries()) {
        const doc = docs[j] ?? null;
        const state = candidateState(doc, candidate, volumeId, forgottenBeforeMs);
        if (state === 'gone') {
          this.state.usage.drop(volumeId, candidate);
          continue;
        }
        const user: VolumeUser = state === 'holds' && doc ? { recorded: true, doc } : { recorded: false, candidate };
        if (found.length < limit && accept(user)) found.push(user);
      }
    }
    return found;
  }

  /** Folds old revision claims of the usage records into them and prunes them; how many. */
  maintainClaims(): Promise<number> {
    return this.usages.maintainClaims();
  }

  /** Deletes released records (and tombstones) released before `cutoff`. */
  async expire(cutoff: Date): Promise<number> {
    return this.usages.expireReleasedBefore(cutoff);
  }
}

import { RevisionTracker } from '@dv/messaging';
import { ScopeTree, SharingIndex } from '@dv/org';
import { Inject, Injectable } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from '../config/sharing-config';

/** This replica's in-memory view and how far into each stream it has applied events (kept by SharingSync). */
@Injectable()
export class SharingState {
  readonly tree = new ScopeTree();
  readonly index: SharingIndex;
  readonly revisions = new RevisionTracker('sharing');

  constructor(@Inject(SHARING_CONFIG) config: SharingConfig) {
    this.index = new SharingIndex(this.tree, { max: config.SHARING_TOMBSTONES_MAX, retentionMs: config.SHARING_TOMBSTONE_RETENTION_MS });
  }
}

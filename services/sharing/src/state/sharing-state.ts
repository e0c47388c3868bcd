import { NATS_CONNECTION, RevisionTracker, StreamHeads } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { ScopeTree, SharingIndex } from '@dv/org';
import { Inject, Injectable } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from '../config/sharing-config';

/** This replica's in-memory view and how far into each stream it has applied events. */
@Injectable()
export class SharingState {
  readonly tree = new ScopeTree();
  readonly index: SharingIndex;
  readonly revisions: RevisionTracker;

  constructor(@Inject(SHARING_CONFIG) config: SharingConfig, @Inject(NATS_CONNECTION) nc: NatsConnection) {
    // A revision beyond the streams' heads is refused at once, not waited for.
    this.revisions = new RevisionTracker('sharing').boundBy(new StreamHeads(nc));
    this.index = new SharingIndex(this.tree, { max: config.SHARING_TOMBSTONES_MAX, retentionMs: config.SHARING_TOMBSTONE_RETENTION_MS });
  }
}

import { RevisionTracker } from '@dv/messaging';
import { ScopeTree, SharingIndex } from '@dv/org';
import { Injectable } from '@nestjs/common';

/** This replica's in-memory view and how far into each stream it has applied events. */
@Injectable()
export class SharingState {
  readonly tree = new ScopeTree();
  readonly index = new SharingIndex(this.tree);
  readonly revisions = new RevisionTracker('sharing');
}

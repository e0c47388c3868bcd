import { RevisionTracker, StreamHeads } from '@dv/messaging';
import { ScopeTree, SharingIndex } from '@dv/org';
import { Injectable } from '@nestjs/common';
import { UsageIndex } from '../usage/usage-index';
import { BindingSet } from './binding-set';
import { VolumeDirectory } from './volume-directory';

/** This replica's in-memory view (org, volumes, bindings) and how far into each stream it has applied events. */
@Injectable()
export class AdmissionState {
  readonly tree = new ScopeTree();
  readonly volumes = new VolumeDirectory();
  /** The sharing lists, kept from the sharing service's events with the sharing service's own index: "is V usable in P". */
  readonly sharing = new SharingIndex(this.tree);
  readonly bindings = new BindingSet();
  readonly revisions: RevisionTracker;
  /** Which admissions may use each volume: what the usage check reads by `_id` (UsageRecords). */
  readonly usage = new UsageIndex();
  /**
   * Moves with every access-rule and org (scope) event applied: authz answers cached before it moved
   * may be stale (PermissionCache).
   */
  permissionsGeneration = 0;
  /** Namespace → project id, for the webhook (which knows only the namespace). */
  private readonly projectsByNamespace = new Map<string, string>();

  constructor(heads: StreamHeads) {
    // A revision beyond the streams' heads is refused at once, not waited for.
    this.revisions = new RevisionTracker('workload-admission').boundBy(heads);
  }

  noteProjectNamespace(projectId: string, namespace: string | undefined): void {
    if (namespace) this.projectsByNamespace.set(namespace, projectId);
  }

  /** The live project whose namespace this is. */
  projectOfNamespace(namespace: string): string | undefined {
    const projectId = this.projectsByNamespace.get(namespace);
    if (!projectId) return undefined;
    const node = this.tree.live('project', projectId);
    return node?.namespace === namespace ? projectId : undefined;
  }

  /** A live project's namespace. */
  namespaceOfProject(projectId: string): string | undefined {
    return this.tree.live('project', projectId)?.namespace;
  }
}

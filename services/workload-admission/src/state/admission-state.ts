import { RevisionTracker } from '@dv/messaging';
import { ScopeTree, SharingIndex } from '@dv/org';
import { Inject, Injectable } from '@nestjs/common';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { UsageIndex } from '../usage/usage-index';
import { BindingSet } from './binding-set';
import { VolumeDirectory } from './volume-directory';

/** This replica's in-memory view (org, volumes, bindings) and how far into each stream it has applied events (kept by AdmissionSync). */
@Injectable()
export class AdmissionState {
  readonly tree = new ScopeTree();
  readonly volumes: VolumeDirectory;
  /** The sharing lists, kept from the sharing service's events with the sharing service's own index: "is V usable in P". */
  readonly sharing: SharingIndex;
  readonly bindings = new BindingSet();
  readonly revisions = new RevisionTracker('workload-admission');
  /** Which admissions may use each volume: what the usage check reads by `_id` (UsageRecords). */
  readonly usage = new UsageIndex();
  /**
   * Moves with every access-rule and org (scope) event applied: authz answers cached before it moved
   * may be stale (PermissionCache).
   */
  permissionsGeneration = 0;
  /** Namespace → project id, for the webhook (which knows only the namespace). */
  private readonly projectsByNamespace = new Map<string, string>();

  constructor(@Inject(ADMISSION_CONFIG) config: AdmissionConfig) {
    // One tombstone policy for both views of volumes (Tombstones): the same bound, the same horizon.
    const tombstones = { max: config.ADMISSION_TOMBSTONES_MAX, retentionMs: config.ADMISSION_TOMBSTONE_RETENTION_MS };
    this.volumes = new VolumeDirectory(tombstones);
    this.sharing = new SharingIndex(this.tree, tombstones);
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

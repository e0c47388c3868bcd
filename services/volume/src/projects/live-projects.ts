import { DvError, type Revision } from '@dv/contracts';
import { Injectable } from '@nestjs/common';
import { VolumeSync } from '../listing/volume-sync';

/** A live project as creates and reads place it: its scopes above and its namespace. */
export interface LiveProject {
  _id: string;
  name: string;
  namespace: string;
  departmentId: string;
  clusterId: string;
}

/**
 * Projects from this replica's scope tree (VolumeSync follows the org events), as of the revision a
 * request depends on: the caller's `atLeast.platform`, or, for a project this replica does not know
 * yet, the platform stream's head (a project created a moment ago is not NOT_FOUND). A project that
 * is deleted, or under a deleted department, cluster or tenant, is not live: NOT_FOUND.
 */
@Injectable()
export class LiveProjects {
  constructor(private readonly sync: VolumeSync) {}

  async require(projectId: string, atLeast: Revision | undefined): Promise<LiveProject> {
    if (atLeast?.platform !== undefined) await this.sync.reached({ platform: atLeast.platform });
    let project = this.find(projectId);
    if (!project && atLeast?.platform === undefined) {
      await this.sync.reachedPlatformHead();
      project = this.find(projectId);
    }
    if (!project) throw DvError.notFound(`project ${projectId} does not exist`, { projectId });
    return project;
  }

  /** Whether this replica knows the project as live (not deleted, nor under a deleted scope). */
  isLive(projectId: string): boolean {
    return this.find(projectId) !== undefined;
  }

  /** The org revision this replica has applied: what authz must have seen too when asked about what was found here. */
  platformRevision(): number {
    return this.sync.revisions.current().platform;
  }

  /** The clusters of these tenants (deleted ones too: their volumes still originate there). */
  clustersOfTenants(tenantIds: readonly string[]): string[] {
    const clusters: string[] = [];
    for (const tenantId of tenantIds) {
      for (const child of this.sync.org.get('tenant', tenantId)?.children ?? []) if (child.type === 'cluster') clusters.push(child.id);
    }
    return clusters;
  }

  private find(projectId: string): LiveProject | undefined {
    const node = this.sync.org.live('project', projectId);
    if (!node) return undefined;
    const department = this.sync.org.ancestorOfType(node, 'department');
    const cluster = this.sync.org.ancestorOfType(node, 'cluster');
    if (!department || !cluster || !node.namespace) return undefined;
    return { _id: node.id, name: node.name, namespace: node.namespace, departmentId: department.id, clusterId: cluster.id };
  }
}

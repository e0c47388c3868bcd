import { DvError } from '@dv/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { type Model } from 'mongoose';
import { CLUSTER_MODEL, PROJECT_MODEL } from '../tokens';
import { type ClusterDoc, type ProjectDoc } from './project.model';

/** Reads the projection of org projects and clusters. */
@Injectable()
export class ProjectDirectory {
  constructor(
    @Inject(PROJECT_MODEL) private readonly projects: Model<ProjectDoc>,
    @Inject(CLUSTER_MODEL) private readonly clusters: Model<ClusterDoc>,
  ) {}

  async find(projectId: string): Promise<ProjectDoc | undefined> {
    return (await this.projects.findById(projectId).lean<ProjectDoc>().exec()) ?? undefined;
  }

  /** A live project, or NOT_FOUND. */
  async require(projectId: string): Promise<ProjectDoc> {
    const project = await this.find(projectId);
    if (!project || project.deleted) throw DvError.notFound(`project ${projectId} does not exist`, { projectId });
    return project;
  }

  async clustersOfTenants(tenantIds: readonly string[]): Promise<string[]> {
    if (tenantIds.length === 0) return [];
    const docs = await this.clusters.find({ tenantId: { $in: [...tenantIds] } }, { _id: 1 }).lean<Pick<ClusterDoc, '_id'>[]>().exec();
    return docs.map((d) => d._id);
  }
}

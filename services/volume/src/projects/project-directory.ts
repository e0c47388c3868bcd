import { Inject, Injectable } from '@nestjs/common';
import { type Model } from 'mongoose';
import { PROJECT_MODEL } from '../tokens';
import { type ProjectDoc } from './project.model';

/**
 * Reads the stored projection of org projects (the reconciler's view of a project deleted under its
 * volumes). Creates and reads place projects with LiveProjects (this replica's org tree) instead.
 */
@Injectable()
export class ProjectDirectory {
  constructor(@Inject(PROJECT_MODEL) private readonly projects: Model<ProjectDoc>) {}

  async find(projectId: string): Promise<ProjectDoc | undefined> {
    return (await this.projects.findById(projectId).lean<ProjectDoc>().exec()) ?? undefined;
  }
}

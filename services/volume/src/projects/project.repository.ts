import { ProjectionRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type ProjectDoc, projectModel } from './project.model';

/**
 * The stored projection of org projects (the reconciler's view of a project deleted under its
 * volumes). Creates and reads place projects with LiveProjects (this replica's org tree) instead.
 */
export class ProjectRepository extends ProjectionRepository<ProjectDoc> {
  constructor(connection: Connection) {
    super(projectModel(connection), 'project');
  }

  /** The project as stored, or undefined. */
  async find(projectId: string): Promise<ProjectDoc | undefined> {
    return (await this.findOne({ _id: projectId })) ?? undefined;
  }
}

import { ProjectionRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type ClusterDoc, clusterModel } from './project.model';

/** The stored projection of org clusters, for their tenant. */
export class ClusterRepository extends ProjectionRepository<ClusterDoc> {
  constructor(connection: Connection) {
    super(clusterModel(connection), 'cluster');
  }
}

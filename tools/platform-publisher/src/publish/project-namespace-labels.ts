import { type Project } from '@dv/contracts';

/** Labels that tie a namespace to its project, for the services and for people using kubectl. */
export const PROJECT_ID_LABEL = 'dv.platform/project-id';
export const CLUSTER_ID_LABEL = 'dv.platform/cluster-id';

export function projectNamespaceLabels(project: Pick<Project, 'projectId' | 'clusterId'>): Record<string, string> {
  return { [PROJECT_ID_LABEL]: project.projectId, [CLUSTER_ID_LABEL]: project.clusterId };
}

import { type EnsureNamespaceResult, type KubeClients, ensureNamespace } from '@dv/kube';
import { type OrgEntity } from '../org/org-entity';
import { projectNamespaceLabels } from './project-namespace-labels';

export interface NamespaceOutcome {
  namespace: string;
  projectId: string;
  result: EnsureNamespaceResult;
}

/**
 * Creates (or labels) the namespace of every project, one after the other: a handful of calls,
 * and the first failure stops the run before any event says the project exists.
 */
export async function ensureProjectNamespaces(core: KubeClients['core'], entities: readonly OrgEntity[]): Promise<NamespaceOutcome[]> {
  const outcomes: NamespaceOutcome[] = [];
  for (const entity of entities) {
    if (entity.kind !== 'project') continue;
    const result = await ensureNamespace(core, entity.data.namespace, projectNamespaceLabels(entity.data));
    outcomes.push({ namespace: entity.data.namespace, projectId: entity.id, result });
  }
  return outcomes;
}

import { type ReviewedWorkload, type WorkloadRef } from '@dv/contracts';
import { WORKLOAD_KINDS, parseApiVersion } from '../patching/workload-kinds';

/**
 * A workload's identity, the key of its usage record: the platform's workload id when the review
 * had one (`id:<workloadId>`), else `<namespace>/<kind>.<group>/<name>`. An object without a name
 * at admission (`generateName`, or a nameless native spec) gets one record per admission: each may
 * create an object of its own.
 */
export function usageKey(workload: ReviewedWorkload, reviewId: string): string {
  if (workload.workloadId) return `id:${workload.workloadId}`;
  return `${workload.namespace}/${kindAndGroup(workload.apiVersion, workload.kind)}/${isNamed(workload.name) ? workload.name : `${workload.name}${reviewId}`}`;
}

/** The identities a finished or deleted workload may have been recorded under. */
export function releaseKeys(ref: WorkloadRef): string[] {
  return [`id:${ref.workloadId}`, `${ref.namespace}/${kindAndGroup(ref.apiVersion, ref.kind)}/${ref.name}`];
}

/** False for `<generateName>*` and the empty name: the object's name is not known at admission. */
export function isNamed(name: string): boolean {
  return name !== '' && !name.endsWith('*');
}

/** `Deployment.apps`, `Pod`; without an apiVersion (the platform's events may have none) the group the kind table gives the kind. */
function kindAndGroup(apiVersion: string | undefined, kind: string): string {
  const group = apiVersion ? parseApiVersion(apiVersion).group : groupOfKind(kind);
  return group ? `${kind}.${group}` : kind;
}

function groupOfKind(kind: string): string {
  const groups = new Set(WORKLOAD_KINDS.filter((k) => k.kind === kind).map((k) => k.group));
  return groups.size === 1 ? ([...groups][0] ?? '') : '';
}

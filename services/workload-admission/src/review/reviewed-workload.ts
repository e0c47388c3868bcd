import { type ReviewedWorkload } from '@dv/contracts';

/** Where a review's workload goes, as far as it is known (a denial may know neither). */
export interface Place {
  projectId?: string;
  namespace?: string;
}

/**
 * The workload as events and usage records name it. Every field is clamped to what the contract
 * accepts, so a denial of an outlandish object can always be published. A `generateName` object has
 * no name at admission (Kubernetes assigns it after mutating admission): it is named `<generateName>*`.
 */
export function reviewedWorkload(
  workload: Record<string, unknown>,
  place: Place,
  fallback: { namespace: string; projectId: string },
  workloadId: string | undefined,
): ReviewedWorkload {
  const kind = typeof workload['kind'] === 'string' && workload['kind'] ? workload['kind'] : 'unknown';
  const apiVersion = typeof workload['apiVersion'] === 'string' && workload['apiVersion'] ? workload['apiVersion'].slice(0, 253) : undefined;
  return {
    ...(apiVersion ? { apiVersion } : {}),
    kind: kind.slice(0, 63),
    name: nameOf(workload, workloadId),
    namespace: place.namespace ?? fallback.namespace,
    projectId: place.projectId ?? fallback.projectId,
    ...(workloadId ? { workloadId } : {}),
  };
}

export function nameOf(workload: Record<string, unknown>, workloadId: string | undefined): string {
  const metadata = metadataOf(workload);
  if (metadata) {
    if (typeof metadata['name'] === 'string' && metadata['name']) return metadata['name'].slice(0, 253);
    if (typeof metadata['generateName'] === 'string' && metadata['generateName']) return `${metadata['generateName'].slice(0, 252)}*`;
  }
  if (typeof workload['name'] === 'string' && workload['name']) return workload['name'].slice(0, 253);
  return workloadId ?? '';
}

export function namespaceOf(workload: Record<string, unknown>): string | undefined {
  const ns = metadataOf(workload)?.['namespace'];
  return typeof ns === 'string' && ns ? ns : undefined;
}

export function metadataOf(workload: Record<string, unknown>): Record<string, unknown> | undefined {
  const metadata = workload['metadata'];
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : undefined;
}

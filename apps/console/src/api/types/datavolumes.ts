/** The data volume API's shapes, as the console reads them (`/api/v1/datavolumes`, `/api/dv/v1/datavolumes/{id}/usage`). */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface SharedScope {
  scopeType: 'cluster' | 'department' | 'project';
  scopeId: string;
  scopeName?: string;
  createdAt?: string;
  createdBy?: string;
}

export interface DataVolume {
  id: string;
  name: string;
  description?: string;
  projectId: string;
  projectName: string;
  departmentId: string;
  clusterId: string;
  originPvcName: string;
  createdAt: string;
  createdBy: string;
  updatedAt?: string;
  status: { phase: string; phaseMessage?: string; conditions?: readonly Condition[]; datavolumePvcName?: string; datavolumePvName?: string };
  sharedScopes?: readonly SharedScope[];
}

export interface VolumeList {
  next?: number | null;
  datavolumes: readonly DataVolume[];
}

export const VOLUMES_PATH = '/api/v1/datavolumes';

/** `GET /api/dv/v1/datavolumes/{id}/usage`: the workloads that mount it. */
export interface VolumeUsage {
  volumeId: string;
  workloads: readonly { apiVersion?: string; kind: string; name: string; namespace: string; projectId: string; workloadId?: string }[];
}

export const USAGE_PATH = (id: string) => `/api/dv/v1/datavolumes/${encodeURIComponent(id)}/usage`;

import { type DataVolume } from '@dv/contracts';
import { randomUUID } from 'node:crypto';

/**
 * A data volume as the volume service's events carry it, for tests that play the volume service
 * (publishing its events as the `volume` NATS user): in `projectId` (department d1, cluster c1 of the
 * harness org), on an NFS PV, at `version` in `phase`. `fields` overrides any member.
 */
export function publishedVolume(projectId: string, phase: DataVolume['status']['phase'], version: number, fields: Partial<DataVolume> = {}): DataVolume {
  const now = new Date().toISOString();
  const id = fields.id ?? randomUUID();
  return {
    id,
    name: `vol-${id.slice(0, 8)}`,
    projectId,
    projectName: `Project ${projectId}`,
    departmentId: 'd1',
    clusterId: 'c1',
    namespace: `dv-${projectId}`,
    originPvcName: 'dataset',
    useOriginalVolume: true,
    storage: {
      originPvName: 'pv-dataset',
      capacity: '1Gi',
      storageClassName: '',
      accessModes: ['ReadWriteMany'],
      source: { nfs: { server: 'nfs.local', path: '/data' } },
    },
    sharedScopes: [],
    createdAt: now,
    createdBy: 'dana',
    updatedAt: now,
    updatedBy: 'dana',
    status: { phase, conditions: [] },
    version,
    ...fields,
  };
}

/**
 * The platform's native kinds (Workspace, Training, DistributedTraining, Inference). They are not
 * pods yet: the platform renders them from `spec.storage`, so a data volume becomes a read-only
 * `spec.storage.pvc[]` entry `{claimName, path, readOnly: true, dataVolumeId}` that remembers which
 * data volume it came from.
 */
import { type PathSegment, toJsonPointer } from '../json-pointer';
import { isRecord, ownProperty } from '../json-value';
import { sameMountPath } from '../mount-path';
import { type MountRequest } from '../patch-types';
import { type KindPlanner } from './kind-planner';

const STORAGE = ['spec', 'storage'];

export function nativePvcEntry(mount: MountRequest): Record<string, unknown> {
  return { claimName: mount.claimName, path: mount.mountPath, readOnly: true, dataVolumeId: mount.volumeId };
}

/**
 * The container path of a storage entry. Entries that also name a source path (hostPath, nfs) put
 * the container side in `mountPath`; the others (pvc, git, s3) have only `path`.
 */
function containerPathOf(entry: unknown): unknown {
  if (!isRecord(entry)) return undefined;
  const mountPath = ownProperty(entry, 'mountPath');
  return typeof mountPath === 'string' ? mountPath : ownProperty(entry, 'path');
}

interface StorageEntry {
  kind: string;
  entry: unknown;
  path: readonly PathSegment[] | undefined;
}

export const planNativeWorkload: KindPlanner = (plan) => {
  if (plan.requireObject(['spec'], 'the workload spec') === undefined) return;
  const storage = plan.optionalObject(STORAGE, 'spec.storage');
  const pvcPath = [...STORAGE, 'pvc'];
  plan.optionalArray(pvcPath, 'spec.storage.pvc');
  const occupied: StorageEntry[] = [];
  for (const [kind, entries] of Object.entries(storage ?? {})) {
    if (Array.isArray(entries)) entries.forEach((entry, index) => occupied.push({ kind, entry, path: [...STORAGE, kind, index] }));
  }
  const items: Record<string, unknown>[] = [];
  for (const mount of plan.mounts) {
    const atPath = occupied.filter(({ entry }) => sameMountPath(containerPathOf(entry), mount.mountPath));
    // An entry of the same claim counts as the data volume's own only when read-only: a writable one would defeat sharing.
    const isOwn = ({ kind, entry }: StorageEntry): boolean =>
      (kind === 'pvc' && isRecord(entry) && ownProperty(entry, 'claimName') === mount.claimName && ownProperty(entry, 'readOnly') === true) ||
      // The data volume's own request (`dataVolume: [{id, mountPath}]`) names the very path it asks for.
      (kind === 'dataVolume' && isRecord(entry) && ownProperty(entry, 'id') === mount.volumeId);
    for (const clash of atPath.filter((occupant) => !isOwn(occupant))) {
      const where = clash.path === undefined ? 'another requested data volume' : `the ${clash.kind} entry at ${toJsonPointer(clash.path)}`;
      plan.report(
        'MOUNT_PATH_COLLISION',
        `${mount.mountPath} is already taken by ${where}; data volume ${mount.volumeId} cannot be mounted there`,
        clash.path ?? pvcPath,
        mount.volumeId,
      );
    }
    if (atPath.some((occupant) => occupant.kind === 'pvc' && isOwn(occupant))) continue;
    const entry = nativePvcEntry(mount);
    items.push(entry);
    occupied.push({ kind: 'pvc', entry, path: undefined });
  }
  plan.append(pvcPath, items, 'spec.storage.pvc');
};

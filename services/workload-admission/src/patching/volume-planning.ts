/**
 * Plans the pod-level volume entries of a set of mounts: one per request, unless the same claim is
 * already there under the same name (idempotency), refused when the name already holds something else.
 */
import { type PathSegment, toJsonPointer } from './json-pointer';
import { entryName, matchVolume, podVolumeEntry } from './mount-entries';
import { type PatchPlan } from './patch-plan';

/** Another volume list that shares names with the target: a clash there breaks the pod just as well. */
export interface PeerVolumes {
  path: readonly PathSegment[];
  /** True when a same-claim volume there serves every container the target serves, so nothing need be added. */
  coversTarget: boolean;
}

export function planVolumes(plan: PatchPlan, target: readonly PathSegment[], peers: readonly PeerVolumes[] = []): void {
  const lists = [{ path: target, coversTarget: true }, ...peers].map((list) => ({ ...list, volumes: plan.optionalArray(list.path, 'volumes') ?? [] }));
  const items: Record<string, unknown>[] = [];
  for (const mount of plan.mounts) {
    let present = false;
    for (const list of lists) {
      list.volumes.forEach((volume, index) => {
        if (entryName(volume) !== mount.podVolumeName) return;
        const match = matchVolume(volume, mount);
        if (match === 'same') {
          present ||= list.coversTarget;
          return;
        }
        const what = match === 'writable' ? 'binding the same claim without persistentVolumeClaim.readOnly: true' : 'with another source';
        plan.report(
          'VOLUME_NAME_COLLISION',
          `A volume named "${mount.podVolumeName}" already exists at ${toJsonPointer([...list.path, index])} ${what}; data volume ${mount.volumeId} (claim "${mount.claimName}") cannot use that name`,
          [...list.path, index],
          mount.volumeId,
        );
      });
    }
    if (!present && !items.some((item) => item['name'] === mount.podVolumeName)) items.push(podVolumeEntry(mount));
  }
  plan.append(target, items, 'volumes');
}

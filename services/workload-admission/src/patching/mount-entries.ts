/**
 * The entries the patcher adds for one mount request. Everything is read-only: shared data volumes
 * are written only through their origin PVC, so a consumer must never be able to write to them.
 */
import { isRecord, ownProperty } from './json-value';
import { type MountRequest } from './patch-types';

/** A pod volume (also the shape of a KubeVirt VMI volume): `{name, persistentVolumeClaim: {claimName, readOnly: true}}`. */
export function podVolumeEntry(mount: MountRequest): Record<string, unknown> {
  return { name: mount.podVolumeName, persistentVolumeClaim: { claimName: mount.claimName, readOnly: true } };
}

/** A container volumeMount (also Argo containers and Tekton steps/sidecars). */
export function containerMountEntry(mount: MountRequest): Record<string, unknown> {
  return { name: mount.podVolumeName, mountPath: mount.mountPath, readOnly: true };
}

/** The `name` of an entry, when it has a string one. */
export function entryName(entry: unknown): string | undefined {
  const name = isRecord(entry) ? ownProperty(entry, 'name') : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** How an existing volume of the requested name relates to the request. */
export type VolumeMatch = 'same' | 'writable' | 'other';

/**
 * `same`: the requested claim, read-only, under the requested name (re-adding would duplicate it).
 * `writable`: the requested claim without `readOnly: true`; accepting it would leave a shared data
 * volume writable, and an add-only patch cannot fix it, so it is a collision too.
 */
export function matchVolume(volume: unknown, mount: MountRequest): VolumeMatch {
  const source = isRecord(volume) ? ownProperty(volume, 'persistentVolumeClaim') : undefined;
  if (!isRecord(source) || ownProperty(source, 'claimName') !== mount.claimName) return 'other';
  return ownProperty(source, 'readOnly') === true ? 'same' : 'writable';
}

/** How a volume entry is named in messages: its name, or its place when it has none. */
export function describeEntry(entry: unknown, fallback: string): string {
  const name = entryName(entry);
  return name === undefined ? fallback : `"${name}"`;
}

/**
 * Plans the volumeMounts of one container (or Argo/Tekton container-like entry): each requested
 * path is mounted unless the same volume is already mounted there (idempotency), and refused when
 * something else already is, since two mounts at one path would hide one of them.
 */
import { type PathSegment, toJsonPointer } from './json-pointer';
import { isRecord, ownProperty } from './json-value';
import { containerMountEntry, describeEntry, entryName } from './mount-entries';
import { sameMountPath } from './mount-path';
import { type PatchPlan } from './patch-plan';
import { type MountRequest } from './patch-types';

/** Which field holds a mount's path, and the entry to add: Kubernetes `mountPath`, devfile `path`. */
export interface MountStyle {
  pathField: 'mountPath' | 'path';
  entry(mount: MountRequest): Record<string, unknown>;
}

export const KUBERNETES_MOUNT_STYLE: MountStyle = { pathField: 'mountPath', entry: containerMountEntry };

export interface ContainerMountOptions {
  /** What the entry is called in messages: "container", "init container", "step"... */
  role: string;
  /** Where it sits, for messages: 'of template "train"'. */
  owner?: string;
  style?: MountStyle;
  /** Mount lists the container inherits (Tekton stepTemplate, Argo containerSet): they occupy paths too. */
  inherited?: readonly (readonly PathSegment[])[] | undefined;
}

interface ExistingMount {
  entry: unknown;
  path: readonly PathSegment[] | undefined;
}

export function planContainerMounts(plan: PatchPlan, containerPath: readonly PathSegment[], options: ContainerMountOptions): void {
  const style = options.style ?? KUBERNETES_MOUNT_STYLE;
  const container = plan.objectEntry(containerPath, options.role);
  if (container === undefined) return;
  const name = entryName(container);
  const label = [options.role, name === undefined ? undefined : `"${name}"`, options.owner, `(${toJsonPointer(containerPath)})`]
    .filter((part) => part !== undefined)
    .join(' ');
  const ownPath = [...containerPath, 'volumeMounts'];
  const existing: ExistingMount[] = [];
  for (const listPath of [ownPath, ...(options.inherited ?? [])]) {
    (plan.optionalArray(listPath, 'volumeMounts') ?? []).forEach((entry, index) => existing.push({ entry, path: [...listPath, index] }));
  }
  const items: Record<string, unknown>[] = [];
  for (const mount of plan.mounts) {
    const atPath = existing.filter(({ entry }) => isRecord(entry) && sameMountPath(ownProperty(entry, style.pathField), mount.mountPath));
    const clashes = atPath.filter(({ entry }) => entryName(entry) !== mount.podVolumeName);
    for (const clash of clashes) {
      const where =
        clash.path === undefined
          ? 'by another requested data volume'
          : `by volume ${describeEntry(clash.entry, 'without a name')} (${toJsonPointer(clash.path)})`;
      plan.report(
        'MOUNT_PATH_COLLISION',
        `The ${label} already has ${mount.mountPath} taken ${where}; data volume ${mount.volumeId} cannot be mounted there`,
        clash.path ?? containerPath,
        mount.volumeId,
      );
    }
    if (atPath.length > 0) continue;
    const entry = style.entry(mount);
    items.push(entry);
    existing.push({ entry, path: undefined });
  }
  plan.append(ownPath, items, 'volumeMounts');
}

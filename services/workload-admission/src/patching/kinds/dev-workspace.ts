/**
 * DevWorkspace (workspace.devfile.io/v1alpha2, devfile 2.x). The DevWorkspace operator builds the
 * workspace pod itself, and it provisions its own storage for every devfile `volume` component
 * (a subpath of the per-user or per-workspace claim, or an emptyDir), so a `volume` component can
 * never be bound to an existing PVC. The pod is reached through the operator's override attributes
 * instead:
 *
 * - the PVC volume goes into `spec.template.attributes['pod-overrides'].spec.volumes`, which the
 *   operator strategically merges (by volume name) into the workspace pod;
 * - the read-only mount goes into `attributes['container-overrides'].volumeMounts` of every
 *   container component, which the operator merges (by mountPath) into that container.
 *
 * Volumes and volumeMounts are honoured in these overrides only from DevWorkspace operator 0.26
 * (Red Hat OpenShift Dev Spaces 3.12, "Allow pod-overrides for volumes and container-overrides for
 * volumeMounts in Devfiles"; devfile/devworkspace-operator#1223, #1230); older operators do not allow
 * them, so the cluster must run at least that version.
 *
 * The operator also accepts either attribute written as a YAML/JSON string. An add-only patch cannot
 * extend a string without replacing what the user wrote, so such a workload is refused.
 */
import { type PathSegment, toJsonPointer } from '../json-pointer';
import { describeJsonType, isRecord, ownProperty } from '../json-value';
import { containerMountEntry, describeEntry, entryName, matchVolume, podVolumeEntry } from '../mount-entries';
import { sameMountPath } from '../mount-path';
import { type PatchPlan, readPath } from '../patch-plan';
import { type KindPlanner } from './kind-planner';

const TEMPLATE = ['spec', 'template'];
const COMPONENTS = [...TEMPLATE, 'components'];
const POD_OVERRIDES = 'pod-overrides';
const CONTAINER_OVERRIDES = 'container-overrides';

/** Where `pod-overrides` keeps the pod volumes, below an `attributes` object. */
function podOverrideVolumesPath(attributesPath: readonly PathSegment[]): PathSegment[] {
  return [...attributesPath, POD_OVERRIDES, 'spec', 'volumes'];
}

export const planDevWorkspace: KindPlanner = (plan) => {
  if (plan.requireObject(TEMPLATE, 'the DevWorkspace template (spec.template)') === undefined) return;
  const components = plan.requireNonEmptyArray(
    COMPONENTS,
    'components',
    'The DevWorkspace template has no components, so there is no container to mount data volumes into',
  );
  if (components === undefined) return;
  const containerIndexes = components.flatMap((component, index) =>
    isRecord(component) && readPath(plan.root, [...COMPONENTS, index, 'container']).state !== 'absent' ? [index] : [],
  );
  if (containerIndexes.length === 0) {
    plan.report('NO_POD_SPEC', 'The DevWorkspace template has no container component, so there is nothing to mount data volumes into', COMPONENTS);
    return;
  }
  planPodOverrideVolumes(plan, components);
  for (const index of containerIndexes) planContainerOverrideMounts(plan, index, entryName(components[index]));
};

/**
 * Checks that an override attribute, when present, is an object the patch can add to (or, for a
 * `peer` the patch only reads, look into). Something on the way that is not an object is left to
 * the later reads, which report it.
 */
function overridesUsable(plan: PatchPlan, attributesPath: readonly PathSegment[], attribute: string, use: 'target' | 'peer'): boolean {
  const path = [...attributesPath, attribute];
  const read = readPath(plan.root, path);
  if (read.state !== 'present' || isRecord(read.value)) return true;
  const why =
    use === 'target'
      ? 'the data volumes are added there, and an add-only patch cannot add to anything else without replacing what the user wrote'
      : 'the patcher must read the volumes it declares to rule out a name clash with the data volumes';
  const asString =
    typeof read.value === 'string'
      ? ` The DevWorkspace operator also accepts ${attribute} written as a YAML/JSON string, but the patcher does not; write it as an object.`
      : '';
  plan.report('MALFORMED_WORKLOAD', `${toJsonPointer(path)} must be an object, found ${describeJsonType(read.value)}: ${why}.${asString}`, path);
  return false;
}

/**
 * One PVC volume per request in the template-level `pod-overrides`, unless it is already declared
 * there or in a component's `pod-overrides` (the operator merges all of them into the same pod).
 * A volume of the same name from another source, and a `volume` component of that name (the
 * operator may turn it into a pod volume named after it), would be merged with ours: refused.
 */
function planPodOverrideVolumes(plan: PatchPlan, components: readonly unknown[]): void {
  const templateAttributes = [...TEMPLATE, 'attributes'];
  const target = podOverrideVolumesPath(templateAttributes);
  const writable = overridesUsable(plan, templateAttributes, POD_OVERRIDES, 'target');
  const listPaths = writable ? [target] : [];
  components.forEach((component, index) => {
    const attributesPath = [...COMPONENTS, index, 'attributes'];
    if (isRecord(component) && overridesUsable(plan, attributesPath, POD_OVERRIDES, 'peer')) listPaths.push(podOverrideVolumesPath(attributesPath));
  });
  const lists = listPaths.map((path) => ({ path, volumes: plan.optionalArray(path, 'pod-overrides volumes') ?? [] }));

  const items: Record<string, unknown>[] = [];
  for (const mount of plan.mounts) {
    components.forEach((component, index) => {
      const path = [...COMPONENTS, index];
      if (entryName(component) !== mount.podVolumeName || readPath(plan.root, [...path, 'volume']).state === 'absent') return;
      plan.report(
        'VOLUME_NAME_COLLISION',
        `A volume component named "${mount.podVolumeName}" already exists at ${toJsonPointer(path)}, and the DevWorkspace operator may give the workspace pod a volume of that name; data volume ${mount.volumeId} (claim "${mount.claimName}") cannot use that name`,
        path,
        mount.volumeId,
      );
    });
    let present = false;
    for (const list of lists) {
      list.volumes.forEach((volume, index) => {
        if (entryName(volume) !== mount.podVolumeName) return;
        const match = matchVolume(volume, mount);
        if (match === 'same') {
          present = true;
          return;
        }
        const what = match === 'writable' ? 'binding the same claim without persistentVolumeClaim.readOnly: true' : 'with another source';
        plan.report(
          'VOLUME_NAME_COLLISION',
          `A pod-overrides volume named "${mount.podVolumeName}" already exists at ${toJsonPointer([...list.path, index])} ${what}; data volume ${mount.volumeId} (claim "${mount.claimName}") cannot use that name`,
          [...list.path, index],
          mount.volumeId,
        );
      });
    }
    if (!present && !items.some((item) => item['name'] === mount.podVolumeName)) items.push(podVolumeEntry(mount));
  }
  if (writable) plan.append(target, items, 'pod-overrides volumes');
}

interface ExistingMount {
  entry: unknown;
  /** Where it is; undefined for a mount this patch adds. */
  path: readonly PathSegment[] | undefined;
  /** Devfile mounts (`container.volumeMounts`) give the path in `path`, container-overrides in `mountPath`. */
  pathField: 'path' | 'mountPath';
}

/**
 * One read-only mount per request in the component's `container-overrides.volumeMounts`. The
 * operator merges those with the devfile mounts by mount path, so a path already taken in either
 * list is refused; the same volume already mounted read-only there needs nothing more.
 */
function planContainerOverrideMounts(plan: PatchPlan, index: number, name: string | undefined): void {
  const componentPath = [...COMPONENTS, index];
  if (plan.objectEntry([...componentPath, 'container'], 'container') === undefined) return;
  const label = `container component ${name === undefined ? '' : `"${name}" `}(${toJsonPointer(componentPath)})`;
  const attributesPath = [...componentPath, 'attributes'];
  const writable = overridesUsable(plan, attributesPath, CONTAINER_OVERRIDES, 'target');
  const target = [...attributesPath, CONTAINER_OVERRIDES, 'volumeMounts'];

  const existing: ExistingMount[] = [];
  const devfileMounts = [...componentPath, 'container', 'volumeMounts'];
  (plan.optionalArray(devfileMounts, 'volumeMounts') ?? []).forEach((entry, at) => existing.push({ entry, path: [...devfileMounts, at], pathField: 'path' }));
  if (writable) {
    (plan.optionalArray(target, 'container-overrides volumeMounts') ?? []).forEach((entry, at) =>
      existing.push({ entry, path: [...target, at], pathField: 'mountPath' }),
    );
  }

  const items: Record<string, unknown>[] = [];
  for (const mount of plan.mounts) {
    const atPath = existing.filter(({ entry, pathField }) => isRecord(entry) && sameMountPath(ownProperty(entry, pathField), mount.mountPath));
    for (const other of atPath) {
      const ours = other.pathField === 'mountPath' && entryName(other.entry) === mount.podVolumeName;
      if (ours && isRecord(other.entry) && ownProperty(other.entry, 'readOnly') === true) continue;
      let message: string;
      if (other.path === undefined) message = `The ${label} already has ${mount.mountPath} taken by another requested data volume`;
      else if (ours)
        message = `The ${label} already mounts volume "${mount.podVolumeName}" at ${mount.mountPath} without readOnly: true (${toJsonPointer(other.path)})`;
      else
        message = `The ${label} already has ${mount.mountPath} taken by volume ${describeEntry(other.entry, 'without a name')} (${toJsonPointer(other.path)})`;
      plan.report('MOUNT_PATH_COLLISION', `${message}; data volume ${mount.volumeId} cannot be mounted there`, other.path ?? componentPath, mount.volumeId);
    }
    if (atPath.length > 0) continue;
    const entry = containerMountEntry(mount);
    items.push(entry);
    existing.push({ entry, path: undefined, pathField: 'mountPath' });
  }
  if (writable) plan.append(target, items, 'container-overrides volumeMounts');
}

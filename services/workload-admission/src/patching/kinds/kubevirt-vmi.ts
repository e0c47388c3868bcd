/**
 * KubeVirt VirtualMachineInstance. A VMI has no containers: the PVC becomes a VMI volume and is
 * exposed to the guest as a virtiofs filesystem whose tag is the volume name. Nothing outside the
 * guest can choose where the guest mounts that tag, so the requested mountPath cannot be applied
 * here; it is still required of the caller (the guest's own setup, e.g. cloud-init, uses it).
 */
import { toJsonPointer } from '../json-pointer';
import { jsonEqual } from '../json-value';
import { entryName } from '../mount-entries';
import { type PatchPlan } from '../patch-plan';
import { type MountRequest } from '../patch-types';
import { planVolumes } from '../volume-planning';
import { type KindPlanner } from './kind-planner';

const DEVICES = ['spec', 'domain', 'devices'];

/** The filesystem device the patcher adds: `{name, virtiofs: {}}`. */
export function virtiofsEntry(mount: MountRequest): Record<string, unknown> {
  return { name: mount.podVolumeName, virtiofs: {} };
}

export const planVirtualMachineInstance: KindPlanner = (plan) => {
  if (plan.requireObject(['spec', 'domain'], "the VirtualMachineInstance's spec.domain") === undefined) return;
  planVolumes(plan, ['spec', 'volumes']);
  planFilesystems(plan);
};

function planFilesystems(plan: PatchPlan): void {
  const filesystemsPath = [...DEVICES, 'filesystems'];
  const filesystems = plan.optionalArray(filesystemsPath, 'filesystems') ?? [];
  // A volume backs exactly one device: a disk of that name would already consume it.
  const disks = plan.optionalArray([...DEVICES, 'disks'], 'disks') ?? [];
  const items: Record<string, unknown>[] = [];
  for (const mount of plan.mounts) {
    let present = false;
    filesystems.forEach((filesystem, index) => {
      if (entryName(filesystem) !== mount.podVolumeName) return;
      if (jsonEqual(filesystem, virtiofsEntry(mount))) present = true;
      else collision(plan, mount, [...filesystemsPath, index], 'a filesystem');
    });
    disks.forEach((disk, index) => {
      if (entryName(disk) === mount.podVolumeName) collision(plan, mount, [...DEVICES, 'disks', index], 'a disk');
    });
    if (!present && !items.some((item) => item['name'] === mount.podVolumeName)) items.push(virtiofsEntry(mount));
  }
  plan.append(filesystemsPath, items, 'filesystems');
}

function collision(plan: PatchPlan, mount: MountRequest, path: readonly (string | number)[], device: string): void {
  plan.report(
    'VOLUME_NAME_COLLISION',
    `The name "${mount.podVolumeName}" is already used by ${device} at ${toJsonPointer(path)}; data volume ${mount.volumeId} cannot be exposed under that name`,
    path,
    mount.volumeId,
  );
}

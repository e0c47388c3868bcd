/**
 * Plans one Kubernetes pod spec: the volume entries, and a mount in every container and init
 * container (init containers often stage or check data, so they get the data volume too).
 */
import { type PathSegment, toJsonPointer } from './json-pointer';
import { planContainerMounts } from './container-mount-planning';
import { type PatchPlan } from './patch-plan';
import { planVolumes } from './volume-planning';

/** `what` names the pod description in messages, e.g. "the Worker replica's pod spec". */
export function planPodSpec(plan: PatchPlan, podSpecPath: readonly PathSegment[], what: string): void {
  if (plan.requireObject(podSpecPath, what) === undefined) return;
  const containersPath = [...podSpecPath, 'containers'];
  const containers = plan.requireNonEmptyArray(
    containersPath,
    'containers',
    `${what.charAt(0).toUpperCase()}${what.slice(1)} (${toJsonPointer(podSpecPath)}) has no containers to mount data volumes into`,
  );
  const initContainers = plan.optionalArray([...podSpecPath, 'initContainers'], 'initContainers');
  if (containers === undefined) return;
  planVolumes(plan, [...podSpecPath, 'volumes']);
  containers.forEach((_, index) => planContainerMounts(plan, [...containersPath, index], { role: 'container' }));
  initContainers?.forEach((_, index) => planContainerMounts(plan, [...podSpecPath, 'initContainers', index], { role: 'init container' }));
}

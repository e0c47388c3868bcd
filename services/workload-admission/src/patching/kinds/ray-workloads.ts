/**
 * KubeRay kinds. A RayCluster spec holds a head group and worker groups, each with a pod template;
 * RayJob and RayService embed that cluster spec, and a RayJob may also describe its submitter pod.
 */
import { type PathSegment } from '../json-pointer';
import { isAbsent, isRecord, ownProperty } from '../json-value';
import { type PatchPlan } from '../patch-plan';
import { planPodSpec } from '../pod-spec-planning';
import { type KindPlanner } from './kind-planner';

function planRayClusterSpec(plan: PatchPlan, clusterPath: readonly PathSegment[], what: string): void {
  if (plan.requireObject(clusterPath, what) === undefined) return;
  planPodSpec(plan, [...clusterPath, 'headGroupSpec', 'template', 'spec'], "the head group's pod template spec");
  const workerGroups = plan.optionalArray([...clusterPath, 'workerGroupSpecs'], 'workerGroupSpecs');
  workerGroups?.forEach((_, index) => {
    const group = plan.objectEntry([...clusterPath, 'workerGroupSpecs', index], 'a worker group');
    if (group === undefined) return;
    const groupName = ownProperty(group, 'groupName');
    const label = typeof groupName === 'string' ? `worker group "${groupName}"` : `worker group #${index}`;
    planPodSpec(plan, [...clusterPath, 'workerGroupSpecs', index, 'template', 'spec'], `the ${label}'s pod template spec`);
  });
}

export const planRayCluster: KindPlanner = (plan) => planRayClusterSpec(plan, ['spec'], 'the RayCluster spec');

/** A RayJob that runs on an existing cluster (spec.clusterSelector) has no cluster of its own to mount into. */
export const planRayJob: KindPlanner = (plan) => {
  const spec = plan.requireObject(['spec'], 'the RayJob spec');
  if (spec === undefined) return;
  if (isAbsent(ownProperty(spec, 'rayClusterSpec')) && isRecord(ownProperty(spec, 'clusterSelector'))) {
    plan.report(
      'NO_POD_SPEC',
      'The RayJob runs on an existing RayCluster (spec.clusterSelector) and describes no cluster of its own; mount the data volume into that RayCluster instead',
      ['spec', 'clusterSelector'],
    );
    return;
  }
  planRayClusterSpec(plan, ['spec', 'rayClusterSpec'], 'spec.rayClusterSpec');
  if (!isAbsent(ownProperty(spec, 'submitterPodTemplate'))) planPodSpec(plan, ['spec', 'submitterPodTemplate', 'spec'], "the submitter's pod template spec");
};

export const planRayService: KindPlanner = (plan) => planRayClusterSpec(plan, ['spec', 'rayClusterConfig'], 'spec.rayClusterConfig');

/**
 * Kubeflow training jobs (TFJob, PyTorchJob, XGBoostJob, MPIJob) keep one pod template per
 * replica type in a map (`Master`, `Worker`, `Launcher`...). Every replica type is mounted: a
 * worker without the data would fail mid-training, long after admission could have said so.
 */
import { planPodSpec } from '../pod-spec-planning';
import { type KindPlanner } from './kind-planner';

export function replicaSpecsPlanner(field: string): KindPlanner {
  return (plan) => {
    const replicas = plan.requireObject(['spec', field], `spec.${field}`);
    if (replicas === undefined) return;
    const replicaTypes = Object.keys(replicas);
    if (replicaTypes.length === 0) {
      plan.report('NO_POD_SPEC', `spec.${field} lists no replica types, so there is no pod description to mount data volumes into`, ['spec', field]);
      return;
    }
    for (const replicaType of replicaTypes) {
      if (plan.objectEntry(['spec', field, replicaType], `the ${replicaType} replica spec`) === undefined) continue;
      planPodSpec(plan, ['spec', field, replicaType, 'template', 'spec'], `the ${replicaType} replica's pod template spec`);
    }
  };
}

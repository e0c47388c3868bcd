/**
 * Which planner handles which supported kind. Keyed by group and kind (versions of one kind share
 * a layout); a supported kind without a planner is a programming error the spec catches.
 */
import { type WorkloadKindInfo } from '../workload-kinds';
import { argoWorkflowPlanner } from './argo-workflow';
import { planDevWorkspace } from './dev-workspace';
import { type KindPlanner } from './kind-planner';
import { replicaSpecsPlanner } from './kubeflow-training-jobs';
import { planVirtualMachineInstance } from './kubevirt-vmi';
import { planNativeWorkload } from './native-workloads';
import { planCronJob, planPod, planPodTemplate } from './pod-template-kinds';
import { planRayCluster, planRayJob, planRayService } from './ray-workloads';
import { planSeldonDeployment } from './seldon-deployment';
import { planPipelineRun, planTaskRun } from './tekton-runs';

const PLANNERS: ReadonlyMap<string, KindPlanner> = new Map<string, KindPlanner>([
  ['run.ai/Workspace', planNativeWorkload],
  ['run.ai/Training', planNativeWorkload],
  ['run.ai/DistributedTraining', planNativeWorkload],
  ['run.ai/Inference', planNativeWorkload],
  ['/Pod', planPod],
  ['apps/Deployment', planPodTemplate],
  ['apps/ReplicaSet', planPodTemplate],
  ['apps/StatefulSet', planPodTemplate],
  ['batch/Job', planPodTemplate],
  ['batch/CronJob', planCronJob],
  ['kubeflow.org/TFJob', replicaSpecsPlanner('tfReplicaSpecs')],
  ['kubeflow.org/PyTorchJob', replicaSpecsPlanner('pytorchReplicaSpecs')],
  ['kubeflow.org/XGBoostJob', replicaSpecsPlanner('xgbReplicaSpecs')],
  ['kubeflow.org/MPIJob', replicaSpecsPlanner('mpiReplicaSpecs')],
  ['kubeflow.org/Notebook', planPodTemplate],
  ['kubeflow.org/ScheduledWorkflow', argoWorkflowPlanner(['spec', 'workflow', 'spec'], 'the scheduled Argo workflow spec (spec.workflow.spec)')],
  ['argoproj.io/Workflow', argoWorkflowPlanner(['spec'], 'the Workflow spec')],
  ['ray.io/RayCluster', planRayCluster],
  ['ray.io/RayJob', planRayJob],
  ['ray.io/RayService', planRayService],
  ['machinelearning.seldon.io/SeldonDeployment', planSeldonDeployment],
  ['serving.knative.dev/Service', planPodTemplate],
  ['tekton.dev/TaskRun', planTaskRun],
  ['tekton.dev/PipelineRun', planPipelineRun],
  ['kubevirt.io/VirtualMachineInstance', planVirtualMachineInstance],
  ['workspace.devfile.io/DevWorkspace', planDevWorkspace],
]);

export function plannerFor(info: WorkloadKindInfo): KindPlanner | undefined {
  return info.supported ? PLANNERS.get(`${info.group}/${info.kind}`) : undefined;
}

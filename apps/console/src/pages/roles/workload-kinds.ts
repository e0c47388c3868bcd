/** The seeds' "Permitted workloads": what workload permissions cover besides the platform's own kinds (each kind once). */
export const NATIVE_WORKLOADS = ['Workspace', 'Training', 'Inference'] as const;

export const THIRD_PARTY_WORKLOADS = [
  'k8s: StatefulSet',
  'k8s: ReplicaSet',
  'k8s: Pod',
  'k8s: Deployment',
  'batch: Job',
  'batch: CronJob',
  'machinelearning.seldon.io: SeldonDeployment',
  'kubevirt.io: VirtualMachineInstance',
  'kubeflow.org: TFJob',
  'kubeflow.org: PyTorchJob',
  'kubeflow.org: XGBoostJob',
  'kubeflow.org: MPIJob',
  'kubeflow.org: Notebook',
  'kubeflow.org: ScheduledWorkflow',
  'amlarc.azureml.com: AmlJob',
  'serving.knative.dev: Service',
  'workspace.devfile.io: DevWorkspace',
  'ray.io: RayCluster',
  'ray.io: RayJob',
  'ray.io: RayService',
  'tekton.dev: TaskRun',
  'tekton.dev: PipelineRun',
  'argoproj.io: Workflow',
] as const;

/** The entities whose permissions are workload permissions. */
export const WORKLOAD_ENTITIES: ReadonlySet<string> = new Set(['workloads', 'workspaces', 'trainings', 'inferences', 'jobs']);

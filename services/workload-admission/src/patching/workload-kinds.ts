/**
 * The workload kinds that workload permissions cover (seed 001, "Permitted workloads") plus the
 * platform's native kinds. Admission looks a kind up here first: a kind that is not listed, or a
 * listed name under another group (a core `v1 Service` is not a Knative Service), is refused.
 */

/** The permission resource that guards a kind. */
export type WorkloadResourceType = 'workloads' | 'workspaces' | 'trainings' | 'inferences';

export interface WorkloadKindInfo {
  /** '' for core, 'run.ai' for native. */
  group: string;
  kind: string;
  /** The API resource name, e.g. 'pytorchjobs' ('' for native kinds). */
  plural: string;
  /** Versions accepted; empty means any version of the group (native kinds, and AmlJob whose versions are not public). */
  versions: readonly string[];
  /** Native Workspace→workspaces, Training/DistributedTraining→trainings, Inference→inferences, every third-party kind→workloads. */
  resourceType: WorkloadResourceType;
  native: boolean;
  /** False for a kind that is known but refused (AmlJob). */
  supported: boolean;
}

/** The group of the platform's own kinds; their objects may also carry no apiVersion at all. */
export const NATIVE_GROUP = 'run.ai';

function thirdParty(group: string, kind: string, plural: string, versions: readonly string[]): WorkloadKindInfo {
  return { group, kind, plural, versions, resourceType: 'workloads', native: false, supported: true };
}

function native(kind: string, resourceType: WorkloadResourceType): WorkloadKindInfo {
  return { group: NATIVE_GROUP, kind, plural: '', versions: [], resourceType, native: true, supported: true };
}

export const WORKLOAD_KINDS: readonly WorkloadKindInfo[] = [
  native('Workspace', 'workspaces'),
  native('Training', 'trainings'),
  native('DistributedTraining', 'trainings'),
  native('Inference', 'inferences'),
  thirdParty('', 'Pod', 'pods', ['v1']),
  thirdParty('apps', 'Deployment', 'deployments', ['v1']),
  thirdParty('apps', 'ReplicaSet', 'replicasets', ['v1']),
  thirdParty('apps', 'StatefulSet', 'statefulsets', ['v1']),
  thirdParty('batch', 'Job', 'jobs', ['v1']),
  thirdParty('batch', 'CronJob', 'cronjobs', ['v1']),
  thirdParty('kubeflow.org', 'TFJob', 'tfjobs', ['v1']),
  thirdParty('kubeflow.org', 'PyTorchJob', 'pytorchjobs', ['v1']),
  thirdParty('kubeflow.org', 'XGBoostJob', 'xgboostjobs', ['v1']),
  thirdParty('kubeflow.org', 'MPIJob', 'mpijobs', ['v2beta1', 'v1']),
  thirdParty('kubeflow.org', 'Notebook', 'notebooks', ['v1', 'v1beta1']),
  thirdParty('kubeflow.org', 'ScheduledWorkflow', 'scheduledworkflows', ['v1beta1']),
  thirdParty('argoproj.io', 'Workflow', 'workflows', ['v1alpha1']),
  thirdParty('ray.io', 'RayCluster', 'rayclusters', ['v1']),
  thirdParty('ray.io', 'RayJob', 'rayjobs', ['v1']),
  thirdParty('ray.io', 'RayService', 'rayservices', ['v1']),
  thirdParty('machinelearning.seldon.io', 'SeldonDeployment', 'seldondeployments', ['v1']),
  thirdParty('serving.knative.dev', 'Service', 'services', ['v1']),
  thirdParty('tekton.dev', 'TaskRun', 'taskruns', ['v1']),
  thirdParty('tekton.dev', 'PipelineRun', 'pipelineruns', ['v1']),
  thirdParty('kubevirt.io', 'VirtualMachineInstance', 'virtualmachineinstances', ['v1']),
  thirdParty('workspace.devfile.io', 'DevWorkspace', 'devworkspaces', ['v1alpha2']),
  // No public schema says where an AmlJob describes its pods, so it is known (for permissions) but refused.
  { ...thirdParty('amlarc.azureml.com', 'AmlJob', 'amljobs', []), supported: false },
];

/** Splits 'apps/v1' into group and version; a core apiVersion ('v1') has the empty group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** undefined when unknown. apiVersion like 'apps/v1', 'v1', 'kubeflow.org/v1'; native: apiVersion undefined or 'run.ai/...' */
export function lookupKind(apiVersion: string | undefined, kind: string): WorkloadKindInfo | undefined {
  const { group, version } = apiVersion === undefined || apiVersion === '' ? { group: NATIVE_GROUP, version: '' } : parseApiVersion(apiVersion);
  return WORKLOAD_KINDS.find((info) => info.kind === kind && info.group === group && (info.versions.length === 0 || info.versions.includes(version)));
}

/** The apiVersions under which a kind name is accepted, to tell the user what was probably meant. */
export function acceptedApiVersions(kind: string): string[] {
  return WORKLOAD_KINDS.filter((info) => info.kind === kind && info.supported).flatMap((info) => {
    if (info.native) return [`${NATIVE_GROUP}/* (or no apiVersion)`];
    return info.versions.map((version) => (info.group === '' ? version : `${info.group}/${version}`));
  });
}

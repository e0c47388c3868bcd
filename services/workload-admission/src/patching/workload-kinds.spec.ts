import { acceptedApiVersions, lookupKind, parseApiVersion, WORKLOAD_KINDS } from './workload-kinds';

describe('workload kinds', () => {
  it('lists the seed kinds once each, with their groups and plurals', () => {
    expect(WORKLOAD_KINDS.map((info) => `${info.group}/${info.kind}:${info.plural}`)).toEqual([
      'run.ai/Workspace:',
      'run.ai/Training:',
      'run.ai/DistributedTraining:',
      'run.ai/Inference:',
      '/Pod:pods',
      'apps/Deployment:deployments',
      'apps/ReplicaSet:replicasets',
      'apps/StatefulSet:statefulsets',
      'batch/Job:jobs',
      'batch/CronJob:cronjobs',
      'kubeflow.org/TFJob:tfjobs',
      'kubeflow.org/PyTorchJob:pytorchjobs',
      'kubeflow.org/XGBoostJob:xgboostjobs',
      'kubeflow.org/MPIJob:mpijobs',
      'kubeflow.org/Notebook:notebooks',
      'kubeflow.org/ScheduledWorkflow:scheduledworkflows',
      'argoproj.io/Workflow:workflows',
      'ray.io/RayCluster:rayclusters',
      'ray.io/RayJob:rayjobs',
      'ray.io/RayService:rayservices',
      'machinelearning.seldon.io/SeldonDeployment:seldondeployments',
      'serving.knative.dev/Service:services',
      'tekton.dev/TaskRun:taskruns',
      'tekton.dev/PipelineRun:pipelineruns',
      'kubevirt.io/VirtualMachineInstance:virtualmachineinstances',
      'workspace.devfile.io/DevWorkspace:devworkspaces',
      'amlarc.azureml.com/AmlJob:amljobs',
    ]);
  });

  it('guards native kinds by their own resource and every third-party kind by workloads', () => {
    expect(Object.fromEntries(WORKLOAD_KINDS.filter((info) => info.native).map((info) => [info.kind, info.resourceType]))).toEqual({
      Workspace: 'workspaces',
      Training: 'trainings',
      DistributedTraining: 'trainings',
      Inference: 'inferences',
    });
    expect(WORKLOAD_KINDS.filter((info) => !info.native).every((info) => info.resourceType === 'workloads')).toBe(true);
    expect(WORKLOAD_KINDS.filter((info) => !info.supported).map((info) => info.kind)).toEqual(['AmlJob']);
  });

  it('splits apiVersions into group and version', () => {
    expect(parseApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(parseApiVersion('kubeflow.org/v2beta1')).toEqual({ group: 'kubeflow.org', version: 'v2beta1' });
  });

  it('looks kinds up by group, version and kind', () => {
    expect(lookupKind('v1', 'Pod')?.plural).toBe('pods');
    expect(lookupKind('apps/v1', 'StatefulSet')?.plural).toBe('statefulsets');
    expect(lookupKind('kubeflow.org/v1', 'MPIJob')?.kind).toBe('MPIJob');
    expect(lookupKind('kubeflow.org/v2beta1', 'MPIJob')?.kind).toBe('MPIJob');
    expect(lookupKind('kubeflow.org/v1beta1', 'Notebook')?.kind).toBe('Notebook');
    expect(lookupKind('serving.knative.dev/v1', 'Service')?.group).toBe('serving.knative.dev');
    expect(lookupKind('amlarc.azureml.com/v1alpha1', 'AmlJob')?.supported).toBe(false);
  });

  it('finds native kinds without an apiVersion or under any run.ai version', () => {
    expect(lookupKind(undefined, 'Workspace')?.resourceType).toBe('workspaces');
    expect(lookupKind('', 'Inference')?.resourceType).toBe('inferences');
    expect(lookupKind('run.ai/v2alpha1', 'DistributedTraining')?.native).toBe(true);
    expect(lookupKind(undefined, 'Pod')).toBeUndefined();
  });

  it('returns undefined for unknown kinds, wrong groups, wrong versions and other casing', () => {
    expect(lookupKind('v1', 'Service')).toBeUndefined();
    expect(lookupKind('apps/v1beta2', 'Deployment')).toBeUndefined();
    expect(lookupKind('extensions/v1beta1', 'Deployment')).toBeUndefined();
    expect(lookupKind('apps/v1', 'deployment')).toBeUndefined();
    expect(lookupKind('example.com/v1', 'Widget')).toBeUndefined();
    expect(lookupKind('run.ai/v1', 'Pod')).toBeUndefined();
  });

  it('names the apiVersions a kind is accepted under', () => {
    expect(acceptedApiVersions('Service')).toEqual(['serving.knative.dev/v1']);
    expect(acceptedApiVersions('MPIJob')).toEqual(['kubeflow.org/v2beta1', 'kubeflow.org/v1']);
    expect(acceptedApiVersions('Pod')).toEqual(['v1']);
    expect(acceptedApiVersions('Workspace')).toEqual(['run.ai/* (or no apiVersion)']);
    expect(acceptedApiVersions('AmlJob')).toEqual([]);
    expect(acceptedApiVersions('Widget')).toEqual([]);
  });
});

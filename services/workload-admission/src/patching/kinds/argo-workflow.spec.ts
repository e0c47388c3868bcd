import { COCO, expectPatch, expectProblems, IMAGENET, IMAGENET_MOUNT, IMAGENET_VOLUME } from '../testing/workload-patch-expectations';

/** A workflow spec with a steps template, a container template, a script template and a containerSet template. */
function workflowSpec(): Record<string, unknown> {
  return {
    entrypoint: 'main',
    serviceAccountName: 'argo-workflow',
    volumes: [{ name: 'workdir', emptyDir: {} }],
    templates: [
      { name: 'main', steps: [[{ name: 'prepare', template: 'prepare' }], [{ name: 'train', template: 'train' }], [{ name: 'report', template: 'report' }]] },
      {
        name: 'prepare',
        initContainers: [{ name: 'fetch-config', image: 'alpine/git:2.45.2', args: ['clone', 'https://github.com/acme/configs', '/work/configs'] }],
        container: { image: 'acme/prepare:1.2', command: ['python', 'prepare.py'], volumeMounts: [{ name: 'workdir', mountPath: '/work' }] },
      },
      {
        name: 'train',
        containerSet: {
          volumeMounts: [{ name: 'workdir', mountPath: '/work' }],
          containers: [
            { name: 'trainer', image: 'acme/train:3.0', command: ['python', 'train.py'] },
            { name: 'exporter', image: 'acme/export:3.0', dependencies: ['trainer'] },
          ],
        },
        sidecars: [{ name: 'gpu-metrics', image: 'nvidia/dcgm-exporter:3.3.7-3.5.0-ubuntu22.04' }],
      },
      { name: 'report', script: { image: 'python:3.12-slim', command: ['python'], source: 'print(open("/data/imagenet/README").read())' } },
    ],
  };
}

function patchedWorkflowSpec(): Record<string, unknown> {
  return {
    entrypoint: 'main',
    serviceAccountName: 'argo-workflow',
    volumes: [{ name: 'workdir', emptyDir: {} }, IMAGENET_VOLUME],
    templates: [
      { name: 'main', steps: [[{ name: 'prepare', template: 'prepare' }], [{ name: 'train', template: 'train' }], [{ name: 'report', template: 'report' }]] },
      {
        name: 'prepare',
        initContainers: [
          {
            name: 'fetch-config',
            image: 'alpine/git:2.45.2',
            args: ['clone', 'https://github.com/acme/configs', '/work/configs'],
            volumeMounts: [IMAGENET_MOUNT],
          },
        ],
        container: { image: 'acme/prepare:1.2', command: ['python', 'prepare.py'], volumeMounts: [{ name: 'workdir', mountPath: '/work' }, IMAGENET_MOUNT] },
      },
      {
        name: 'train',
        containerSet: {
          volumeMounts: [{ name: 'workdir', mountPath: '/work' }],
          containers: [
            { name: 'trainer', image: 'acme/train:3.0', command: ['python', 'train.py'], volumeMounts: [IMAGENET_MOUNT] },
            { name: 'exporter', image: 'acme/export:3.0', dependencies: ['trainer'], volumeMounts: [IMAGENET_MOUNT] },
          ],
        },
        sidecars: [{ name: 'gpu-metrics', image: 'nvidia/dcgm-exporter:3.3.7-3.5.0-ubuntu22.04', volumeMounts: [IMAGENET_MOUNT] }],
      },
      {
        name: 'report',
        script: { image: 'python:3.12-slim', command: ['python'], source: 'print(open("/data/imagenet/README").read())', volumeMounts: [IMAGENET_MOUNT] },
      },
    ],
  };
}

function workflowOps(prefix: string) {
  return [
    { op: 'add' as const, path: `${prefix}/volumes/-`, value: IMAGENET_VOLUME },
    { op: 'add' as const, path: `${prefix}/templates/1/container/volumeMounts/-`, value: IMAGENET_MOUNT },
    { op: 'add' as const, path: `${prefix}/templates/1/initContainers/0/volumeMounts`, value: [IMAGENET_MOUNT] },
    { op: 'add' as const, path: `${prefix}/templates/2/containerSet/containers/0/volumeMounts`, value: [IMAGENET_MOUNT] },
    { op: 'add' as const, path: `${prefix}/templates/2/containerSet/containers/1/volumeMounts`, value: [IMAGENET_MOUNT] },
    { op: 'add' as const, path: `${prefix}/templates/2/sidecars/0/volumeMounts`, value: [IMAGENET_MOUNT] },
    { op: 'add' as const, path: `${prefix}/templates/3/script/volumeMounts`, value: [IMAGENET_MOUNT] },
  ];
}

describe('Argo Workflow and ScheduledWorkflow', () => {
  it('Workflow: one workflow-level volume; mounts in container, script, containerSet, init containers and sidecars', () => {
    expectPatch({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'imagenet-pipeline-' }, spec: workflowSpec() }, [IMAGENET], {
      patch: workflowOps('/spec'),
      patched: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'imagenet-pipeline-' }, spec: patchedWorkflowSpec() },
    });
  });

  it('ScheduledWorkflow: patches the Argo workflow spec under spec.workflow.spec', () => {
    const scheduled = {
      apiVersion: 'kubeflow.org/v1beta1',
      kind: 'ScheduledWorkflow',
      metadata: { name: 'nightly-imagenet' },
      spec: { enabled: true, maxConcurrency: 1, trigger: { cronSchedule: { cron: '0 0 3 * * *' } }, workflow: { spec: workflowSpec() } },
    };
    expectPatch(scheduled, [IMAGENET], {
      patch: workflowOps('/spec/workflow/spec'),
      patched: {
        apiVersion: 'kubeflow.org/v1beta1',
        kind: 'ScheduledWorkflow',
        metadata: { name: 'nightly-imagenet' },
        spec: { enabled: true, maxConcurrency: 1, trigger: { cronSchedule: { cron: '0 0 3 * * *' } }, workflow: { spec: patchedWorkflowSpec() } },
      },
    });
  });

  it('creates spec.volumes when the workflow has none', () => {
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'hello' },
      spec: { entrypoint: 'hello', templates: [{ name: 'hello', container: { image: 'busybox:1.36', args: ['ls', '/data/imagenet'] } }] },
    };
    expectPatch(workflow, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/templates/0/container/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'hello' },
        spec: {
          entrypoint: 'hello',
          templates: [{ name: 'hello', container: { image: 'busybox:1.36', args: ['ls', '/data/imagenet'], volumeMounts: [IMAGENET_MOUNT] } }],
          volumes: [IMAGENET_VOLUME],
        },
      },
    });
  });

  it('counts containerSet-level mounts as taken paths', () => {
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      spec: {
        templates: [
          {
            name: 'train',
            containerSet: { volumeMounts: [{ name: 'old-copy', mountPath: '/data/imagenet' }], containers: [{ name: 'trainer', image: 'acme/train:3.0' }] },
          },
        ],
      },
    };
    expectProblems(
      workflow,
      [IMAGENET],
      [
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            'The containerSet container "trainer" of template "train" (/spec/templates/0/containerSet/containers/0) already has /data/imagenet taken by volume "old-copy" (/spec/templates/0/containerSet/volumeMounts/0); data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be mounted there',
          path: '/spec/templates/0/containerSet/volumeMounts/0',
          volumeId: IMAGENET.volumeId,
        },
      ],
    );
  });

  it('refuses clashing template volumes and volumeClaimTemplates of the same name', () => {
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      spec: {
        volumeClaimTemplates: [{ metadata: { name: 'dv-coco-2017' }, spec: { accessModes: ['ReadWriteOnce'] } }],
        templates: [{ name: 'train', volumes: [{ name: 'dv-imagenet', hostPath: { path: '/mnt/imagenet' } }], container: { image: 'acme/train:3.0' } }],
      },
    };
    expectProblems(
      workflow,
      [IMAGENET, COCO],
      [
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'The volumeClaimTemplate at /spec/volumeClaimTemplates/0 already creates a volume named "dv-coco-2017"; data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff cannot use that name',
          path: '/spec/volumeClaimTemplates/0',
          volumeId: COCO.volumeId,
        },
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A volume named "dv-imagenet" already exists at /spec/templates/0/volumes/0 with another source; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
          path: '/spec/templates/0/volumes/0',
          volumeId: IMAGENET.volumeId,
        },
      ],
    );
  });

  it('refuses a workflow that only references a WorkflowTemplate, or runs no container', () => {
    expectProblems(
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { workflowTemplateRef: { name: 'imagenet-train' }, arguments: {} } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            'The workflow runs the WorkflowTemplate "imagenet-train" (/spec/workflowTemplateRef) and has no templates of its own; data volumes can only be mounted into templates written inline',
          path: '/spec/templates',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { templates: [{ name: 'wait', suspend: { duration: '1h' } }] } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'No template of the workflow (/spec/templates) runs a container, so there is nothing to mount data volumes into',
          path: '/spec/templates',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'kubeflow.org/v1beta1', kind: 'ScheduledWorkflow', spec: { workflow: {} } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            'Missing the scheduled Argo workflow spec (spec.workflow.spec): /spec/workflow/spec is not set, so there is no pod description to mount data volumes into',
          path: '/spec/workflow/spec',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { templates: [{ name: 'x', container: 'busybox' }, 'y'] } },
      [IMAGENET],
      [
        { code: 'MALFORMED_WORKLOAD', message: '/spec/templates/1 must be an object, found a string (while reading a template)', path: '/spec/templates/1' },
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/templates/0/container must be an object, found a string (while reading container)',
          path: '/spec/templates/0/container',
        },
      ],
    );
  });
});

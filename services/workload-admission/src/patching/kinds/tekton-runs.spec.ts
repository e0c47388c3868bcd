import { expectPatch, expectProblems, IMAGENET, IMAGENET_MOUNT, IMAGENET_VOLUME } from '../testing/workload-patch-expectations';

describe('Tekton TaskRun and PipelineRun', () => {
  it('TaskRun: volume in a created spec.podTemplate, mounts in every step and sidecar', () => {
    const taskRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { generateName: 'validate-imagenet-' },
      spec: {
        serviceAccountName: 'pipeline',
        taskSpec: {
          stepTemplate: { env: [{ name: 'DATA_DIR', value: '/data/imagenet' }] },
          steps: [
            { name: 'count', image: 'busybox:1.36', script: 'find "$DATA_DIR" -type f | wc -l' },
            { name: 'checksum', image: 'acme/checksum:1.0', volumeMounts: [{ name: 'cache', mountPath: '/cache' }] },
          ],
          sidecars: [{ name: 'progress', image: 'acme/progress-reporter:0.2' }],
          volumes: [{ name: 'cache', emptyDir: {} }],
        },
      },
    };
    expectPatch(taskRun, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/podTemplate', value: { volumes: [IMAGENET_VOLUME] } },
        { op: 'add', path: '/spec/taskSpec/steps/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/taskSpec/steps/1/volumeMounts/-', value: IMAGENET_MOUNT },
        { op: 'add', path: '/spec/taskSpec/sidecars/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'tekton.dev/v1',
        kind: 'TaskRun',
        metadata: { generateName: 'validate-imagenet-' },
        spec: {
          serviceAccountName: 'pipeline',
          taskSpec: {
            stepTemplate: { env: [{ name: 'DATA_DIR', value: '/data/imagenet' }] },
            steps: [
              { name: 'count', image: 'busybox:1.36', script: 'find "$DATA_DIR" -type f | wc -l', volumeMounts: [IMAGENET_MOUNT] },
              { name: 'checksum', image: 'acme/checksum:1.0', volumeMounts: [{ name: 'cache', mountPath: '/cache' }, IMAGENET_MOUNT] },
            ],
            sidecars: [{ name: 'progress', image: 'acme/progress-reporter:0.2', volumeMounts: [IMAGENET_MOUNT] }],
            volumes: [{ name: 'cache', emptyDir: {} }],
          },
          podTemplate: { volumes: [IMAGENET_VOLUME] },
        },
      },
    });
  });

  it('TaskRun: appends to an existing podTemplate.volumes and respects stepTemplate mounts', () => {
    const taskRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { name: 'tr' },
      spec: {
        podTemplate: { nodeSelector: { gpu: 'a100' }, volumes: [{ name: 'certs', secret: { secretName: 'registry-ca' } }] },
        taskSpec: { stepTemplate: { volumeMounts: [{ name: 'certs', mountPath: '/etc/ssl/registry' }] }, steps: [{ name: 'run', image: 'acme/run:1' }] },
      },
    };
    expectPatch(taskRun, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/podTemplate/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/taskSpec/steps/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'tekton.dev/v1',
        kind: 'TaskRun',
        metadata: { name: 'tr' },
        spec: {
          podTemplate: { nodeSelector: { gpu: 'a100' }, volumes: [{ name: 'certs', secret: { secretName: 'registry-ca' } }, IMAGENET_VOLUME] },
          taskSpec: {
            stepTemplate: { volumeMounts: [{ name: 'certs', mountPath: '/etc/ssl/registry' }] },
            steps: [{ name: 'run', image: 'acme/run:1', volumeMounts: [IMAGENET_MOUNT] }],
          },
        },
      },
    });
    const clashing = {
      ...taskRun,
      spec: {
        taskSpec: { stepTemplate: { volumeMounts: [{ name: 'nfs-copy', mountPath: '/data/imagenet/' }] }, steps: [{ name: 'run', image: 'acme/run:1' }] },
      },
    };
    expectProblems(
      clashing,
      [IMAGENET],
      [
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            'The step "run" of the task (/spec/taskSpec/steps/0) already has /data/imagenet taken by volume "nfs-copy" (/spec/taskSpec/stepTemplate/volumeMounts/0); data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be mounted there',
          path: '/spec/taskSpec/stepTemplate/volumeMounts/0',
          volumeId: IMAGENET.volumeId,
        },
      ],
    );
  });

  it('TaskRun: a task-level volume of the same claim is enough, one of another source clashes', () => {
    const taskRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { name: 'tr' },
      spec: { taskSpec: { steps: [{ name: 'run', image: 'acme/run:1', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] } },
    };
    expectPatch(taskRun, [IMAGENET], { patch: [], patched: taskRun });
    expectProblems(
      { ...taskRun, spec: { taskSpec: { steps: [{ name: 'run', image: 'acme/run:1' }], volumes: [{ name: 'dv-imagenet', emptyDir: {} }] } } },
      [IMAGENET],
      [
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A volume named "dv-imagenet" already exists at /spec/taskSpec/volumes/0 with another source; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
          path: '/spec/taskSpec/volumes/0',
          volumeId: IMAGENET.volumeId,
        },
      ],
    );
  });

  it('TaskRun: refuses a referenced Task, naming it', () => {
    expectProblems(
      { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', metadata: { name: 'clone' }, spec: { taskRef: { name: 'git-clone', kind: 'Task' }, params: [] } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            'The TaskRun runs the referenced task "git-clone" (/spec/taskRef); data volumes can only be mounted into the steps of an inline spec.taskSpec',
          path: '/spec/taskRef',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', spec: { taskRef: { resolver: 'hub', params: [] } } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            'The TaskRun runs the referenced task resolved by "hub" (/spec/taskRef); data volumes can only be mounted into the steps of an inline spec.taskSpec',
          path: '/spec/taskRef',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', spec: { taskSpec: { steps: [] } } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'The steps of the task (/spec/taskSpec) are missing, so there is nothing to mount data volumes into',
          path: '/spec/taskSpec/steps',
        },
      ],
    );
  });

  it('PipelineRun: volume in a created taskRunTemplate.podTemplate, mounts in every inline task and finally task', () => {
    const pipelineRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { generateName: 'train-eval-' },
      spec: {
        taskRunTemplate: { serviceAccountName: 'pipeline' },
        pipelineSpec: {
          tasks: [
            { name: 'train', taskSpec: { steps: [{ name: 'train', image: 'acme/train:3.0', args: ['--data', '/data/imagenet'] }] } },
            {
              name: 'evaluate',
              runAfter: ['train'],
              taskSpec: { steps: [{ name: 'eval', image: 'acme/eval:2.0' }], sidecars: [{ name: 'tensorboard', image: 'tensorflow/tensorflow:2.16.1' }] },
            },
            { name: 'approve', taskSpec: { apiVersion: 'custom.tekton.dev/v1alpha1', kind: 'Approval', spec: { approvers: ['alice'] } } },
          ],
          finally: [{ name: 'notify', taskSpec: { steps: [{ name: 'notify', image: 'curlimages/curl:8.9.1' }] } }],
        },
      },
    };
    expectPatch(pipelineRun, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/taskRunTemplate/podTemplate', value: { volumes: [IMAGENET_VOLUME] } },
        { op: 'add', path: '/spec/pipelineSpec/tasks/0/taskSpec/steps/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/pipelineSpec/tasks/1/taskSpec/steps/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/pipelineSpec/tasks/1/taskSpec/sidecars/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/pipelineSpec/finally/0/taskSpec/steps/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'tekton.dev/v1',
        kind: 'PipelineRun',
        metadata: { generateName: 'train-eval-' },
        spec: {
          taskRunTemplate: { serviceAccountName: 'pipeline', podTemplate: { volumes: [IMAGENET_VOLUME] } },
          pipelineSpec: {
            tasks: [
              {
                name: 'train',
                taskSpec: { steps: [{ name: 'train', image: 'acme/train:3.0', args: ['--data', '/data/imagenet'], volumeMounts: [IMAGENET_MOUNT] }] },
              },
              {
                name: 'evaluate',
                runAfter: ['train'],
                taskSpec: {
                  steps: [{ name: 'eval', image: 'acme/eval:2.0', volumeMounts: [IMAGENET_MOUNT] }],
                  sidecars: [{ name: 'tensorboard', image: 'tensorflow/tensorflow:2.16.1', volumeMounts: [IMAGENET_MOUNT] }],
                },
              },
              { name: 'approve', taskSpec: { apiVersion: 'custom.tekton.dev/v1alpha1', kind: 'Approval', spec: { approvers: ['alice'] } } },
            ],
            finally: [{ name: 'notify', taskSpec: { steps: [{ name: 'notify', image: 'curlimages/curl:8.9.1', volumeMounts: [IMAGENET_MOUNT] }] } }],
          },
        },
      },
    });
  });

  it('PipelineRun: creates spec.taskRunTemplate when absent', () => {
    const pipelineRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'p' },
      spec: { pipelineSpec: { tasks: [{ name: 'a', taskSpec: { steps: [{ name: 's', image: 'busybox:1.36' }] } }] } },
    };
    expectPatch(pipelineRun, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/taskRunTemplate', value: { podTemplate: { volumes: [IMAGENET_VOLUME] } } },
        { op: 'add', path: '/spec/pipelineSpec/tasks/0/taskSpec/steps/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'tekton.dev/v1',
        kind: 'PipelineRun',
        metadata: { name: 'p' },
        spec: {
          pipelineSpec: { tasks: [{ name: 'a', taskSpec: { steps: [{ name: 's', image: 'busybox:1.36', volumeMounts: [IMAGENET_MOUNT] }] } }] },
          taskRunTemplate: { podTemplate: { volumes: [IMAGENET_VOLUME] } },
        },
      },
    });
  });

  it('PipelineRun: refuses referenced tasks by name, all of them, and a referenced pipeline', () => {
    const pipelineRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      spec: {
        pipelineSpec: {
          tasks: [
            { name: 'clone', taskRef: { name: 'git-clone' } },
            { name: 'train', taskSpec: { steps: [{ name: 'train', image: 'acme/train:3.0' }] } },
            { name: 'nested' },
          ],
          finally: [{ name: 'cleanup', taskRef: { resolver: 'cluster', params: [{ name: 'name', value: 'cleanup' }] } }],
        },
      },
    };
    expectProblems(
      pipelineRun,
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            'The pipeline task "clone" (/spec/pipelineSpec/tasks/0) runs the referenced task "git-clone"; data volumes can only be mounted into the steps of an inline taskSpec',
          path: '/spec/pipelineSpec/tasks/0/taskRef',
        },
        {
          code: 'NO_POD_SPEC',
          message:
            'The pipeline task "nested" (/spec/pipelineSpec/tasks/2) has no inline taskSpec; data volumes can only be mounted into the steps of inline tasks',
          path: '/spec/pipelineSpec/tasks/2',
        },
        {
          code: 'NO_POD_SPEC',
          message:
            'The pipeline task "cleanup" (/spec/pipelineSpec/finally/0) runs the referenced task resolved by "cluster"; data volumes can only be mounted into the steps of an inline taskSpec',
          path: '/spec/pipelineSpec/finally/0/taskRef',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', spec: { pipelineRef: { name: 'train-and-eval' } } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            'The PipelineRun runs the referenced pipeline "train-and-eval" (/spec/pipelineRef); data volumes can only be mounted into the tasks of an inline spec.pipelineSpec',
          path: '/spec/pipelineRef',
        },
      ],
    );
  });

  it('PipelineRun: per-task volumes and taskRunSpecs pod templates must not reuse the name for another source', () => {
    const pipelineRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      spec: {
        taskRunSpecs: [{ pipelineTaskName: 'train', podTemplate: { volumes: [{ name: 'dv-imagenet', emptyDir: {} }] } }],
        pipelineSpec: {
          tasks: [
            { name: 'train', taskSpec: { steps: [{ name: 'train', image: 'acme/train:3.0' }], volumes: [{ name: 'dv-imagenet', configMap: { name: 'x' } }] } },
          ],
        },
      },
    };
    expectProblems(
      pipelineRun,
      [IMAGENET],
      [
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A volume named "dv-imagenet" already exists at /spec/pipelineSpec/tasks/0/taskSpec/volumes/0 with another source; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
          path: '/spec/pipelineSpec/tasks/0/taskSpec/volumes/0',
          volumeId: IMAGENET.volumeId,
        },
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A volume named "dv-imagenet" already exists at /spec/taskRunSpecs/0/podTemplate/volumes/0 with another source; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
          path: '/spec/taskRunSpecs/0/podTemplate/volumes/0',
          volumeId: IMAGENET.volumeId,
        },
      ],
    );
  });

  it('PipelineRun: refuses a pipeline whose tasks are all custom tasks', () => {
    const pipelineRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      spec: { pipelineSpec: { tasks: [{ name: 'wait', taskSpec: { apiVersion: 'wait.testing.tekton.dev/v1beta1', kind: 'Wait', spec: {} } }] } },
    };
    expectProblems(
      pipelineRun,
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'No task of the pipeline runs steps (all are custom tasks), so there is nothing to mount data volumes into',
          path: '/spec/pipelineSpec/tasks',
        },
      ],
    );
  });
});

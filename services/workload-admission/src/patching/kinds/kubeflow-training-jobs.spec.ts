import { expectPatch, expectProblems, IMAGENET, IMAGENET_MOUNT, IMAGENET_VOLUME } from '../testing/workload-patch-expectations';

describe('Kubeflow training jobs', () => {
  it('PyTorchJob: mounts the Master and every Worker replica', () => {
    const job = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'resnet50-ddp', namespace: 'runai-team-a' },
      spec: {
        pytorchReplicaSpecs: {
          Master: {
            replicas: 1,
            restartPolicy: 'OnFailure',
            template: { spec: { containers: [{ name: 'pytorch', image: 'acme/resnet-train:1.4', args: ['--data', '/data/imagenet'] }] } },
          },
          Worker: {
            replicas: 3,
            restartPolicy: 'OnFailure',
            template: {
              spec: {
                containers: [{ name: 'pytorch', image: 'acme/resnet-train:1.4', volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }] }],
                volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory' } }],
              },
            },
          },
        },
      },
    };
    expectPatch(job, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/pytorchReplicaSpecs/Master/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/pytorchReplicaSpecs/Master/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/pytorchReplicaSpecs/Worker/template/spec/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/volumeMounts/-', value: IMAGENET_MOUNT },
      ],
      patched: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        metadata: { name: 'resnet50-ddp', namespace: 'runai-team-a' },
        spec: {
          pytorchReplicaSpecs: {
            Master: {
              replicas: 1,
              restartPolicy: 'OnFailure',
              template: {
                spec: {
                  containers: [{ name: 'pytorch', image: 'acme/resnet-train:1.4', args: ['--data', '/data/imagenet'], volumeMounts: [IMAGENET_MOUNT] }],
                  volumes: [IMAGENET_VOLUME],
                },
              },
            },
            Worker: {
              replicas: 3,
              restartPolicy: 'OnFailure',
              template: {
                spec: {
                  containers: [{ name: 'pytorch', image: 'acme/resnet-train:1.4', volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }, IMAGENET_MOUNT] }],
                  volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory' } }, IMAGENET_VOLUME],
                },
              },
            },
          },
        },
      },
    });
  });

  it('TFJob: mounts Chief, PS and Worker', () => {
    const replica = (replicas: number) => ({
      replicas,
      template: { spec: { containers: [{ name: 'tensorflow', image: 'tensorflow/tensorflow:2.16.1-gpu' }] } },
    });
    const patchedReplica = (replicas: number) => ({
      replicas,
      template: {
        spec: { containers: [{ name: 'tensorflow', image: 'tensorflow/tensorflow:2.16.1-gpu', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] },
      },
    });
    const job = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'TFJob',
      metadata: { name: 'mnist-dist' },
      spec: { runPolicy: { cleanPodPolicy: 'None' }, tfReplicaSpecs: { Chief: replica(1), PS: replica(2), Worker: replica(4) } },
    };
    expectPatch(job, [IMAGENET], {
      patch: ['Chief', 'PS', 'Worker'].flatMap((type) => [
        { op: 'add' as const, path: `/spec/tfReplicaSpecs/${type}/template/spec/volumes`, value: [IMAGENET_VOLUME] },
        { op: 'add' as const, path: `/spec/tfReplicaSpecs/${type}/template/spec/containers/0/volumeMounts`, value: [IMAGENET_MOUNT] },
      ]),
      patched: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'TFJob',
        metadata: { name: 'mnist-dist' },
        spec: { runPolicy: { cleanPodPolicy: 'None' }, tfReplicaSpecs: { Chief: patchedReplica(1), PS: patchedReplica(2), Worker: patchedReplica(4) } },
      },
    });
  });

  it('XGBoostJob: mounts Master and Worker', () => {
    const job = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'XGBoostJob',
      metadata: { name: 'xgb-churn' },
      spec: {
        xgbReplicaSpecs: {
          Master: {
            replicas: 1,
            template: { spec: { containers: [{ name: 'xgboost', image: 'acme/xgb-churn:0.3', ports: [{ containerPort: 9991, name: 'xgboostjob-port' }] }] } },
          },
          Worker: { replicas: 2, template: { spec: { containers: [{ name: 'xgboost', image: 'acme/xgb-churn:0.3' }] } } },
        },
      },
    };
    expectPatch(job, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/xgbReplicaSpecs/Master/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/xgbReplicaSpecs/Master/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/xgbReplicaSpecs/Worker/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/xgbReplicaSpecs/Worker/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'XGBoostJob',
        metadata: { name: 'xgb-churn' },
        spec: {
          xgbReplicaSpecs: {
            Master: {
              replicas: 1,
              template: {
                spec: {
                  containers: [
                    { name: 'xgboost', image: 'acme/xgb-churn:0.3', ports: [{ containerPort: 9991, name: 'xgboostjob-port' }], volumeMounts: [IMAGENET_MOUNT] },
                  ],
                  volumes: [IMAGENET_VOLUME],
                },
              },
            },
            Worker: {
              replicas: 2,
              template: {
                spec: { containers: [{ name: 'xgboost', image: 'acme/xgb-churn:0.3', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] },
              },
            },
          },
        },
      },
    });
  });

  it('MPIJob (v2beta1): mounts the Launcher and the Workers, init containers included', () => {
    const job = {
      apiVersion: 'kubeflow.org/v2beta1',
      kind: 'MPIJob',
      metadata: { name: 'horovod-bert' },
      spec: {
        slotsPerWorker: 8,
        mpiReplicaSpecs: {
          Launcher: {
            replicas: 1,
            template: {
              spec: {
                initContainers: [{ name: 'wait-hostfile', image: 'busybox:1.36', command: ['sh', '-c', 'test -s /etc/mpi/hostfile'] }],
                containers: [{ name: 'launcher', image: 'acme/horovod-bert:2.1', command: ['mpirun', 'python', 'train.py'] }],
              },
            },
          },
          Worker: {
            replicas: 4,
            template: { spec: { containers: [{ name: 'worker', image: 'acme/horovod-bert:2.1', resources: { limits: { 'nvidia.com/gpu': 8 } } }] } },
          },
        },
      },
    };
    expectPatch(job, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/mpiReplicaSpecs/Launcher/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/mpiReplicaSpecs/Launcher/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/mpiReplicaSpecs/Launcher/template/spec/initContainers/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/mpiReplicaSpecs/Worker/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/mpiReplicaSpecs/Worker/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'kubeflow.org/v2beta1',
        kind: 'MPIJob',
        metadata: { name: 'horovod-bert' },
        spec: {
          slotsPerWorker: 8,
          mpiReplicaSpecs: {
            Launcher: {
              replicas: 1,
              template: {
                spec: {
                  initContainers: [
                    { name: 'wait-hostfile', image: 'busybox:1.36', command: ['sh', '-c', 'test -s /etc/mpi/hostfile'], volumeMounts: [IMAGENET_MOUNT] },
                  ],
                  containers: [{ name: 'launcher', image: 'acme/horovod-bert:2.1', command: ['mpirun', 'python', 'train.py'], volumeMounts: [IMAGENET_MOUNT] }],
                  volumes: [IMAGENET_VOLUME],
                },
              },
            },
            Worker: {
              replicas: 4,
              template: {
                spec: {
                  containers: [
                    { name: 'worker', image: 'acme/horovod-bert:2.1', resources: { limits: { 'nvidia.com/gpu': 8 } }, volumeMounts: [IMAGENET_MOUNT] },
                  ],
                  volumes: [IMAGENET_VOLUME],
                },
              },
            },
          },
        },
      },
    });
  });

  it('MPIJob (kubeflow.org/v1) has the same layout', () => {
    const job = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'MPIJob',
      metadata: { name: 'legacy-mpi' },
      spec: { mpiReplicaSpecs: { Launcher: { template: { spec: { containers: [{ name: 'l', image: 'mpioperator/mpi-pi:openmpi' }] } } } } },
    };
    expectPatch(job, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/mpiReplicaSpecs/Launcher/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/mpiReplicaSpecs/Launcher/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'MPIJob',
        metadata: { name: 'legacy-mpi' },
        spec: {
          mpiReplicaSpecs: {
            Launcher: {
              template: {
                spec: { containers: [{ name: 'l', image: 'mpioperator/mpi-pi:openmpi', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] },
              },
            },
          },
        },
      },
    });
  });

  it('escapes replica type keys holding / and ~ in every pointer', () => {
    const job = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'odd-keys' },
      spec: { pytorchReplicaSpecs: { 'Worker/a100~80g': { template: { spec: { containers: [{ name: 'pytorch', image: 'acme/train:1' }] } } } } },
    };
    expectPatch(job, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/pytorchReplicaSpecs/Worker~1a100~080g/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/pytorchReplicaSpecs/Worker~1a100~080g/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        metadata: { name: 'odd-keys' },
        spec: {
          pytorchReplicaSpecs: {
            'Worker/a100~80g': {
              template: { spec: { containers: [{ name: 'pytorch', image: 'acme/train:1', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] } },
            },
          },
        },
      },
    });
  });

  it('refuses empty or missing replica specs and a replica without a pod template', () => {
    expectProblems(
      { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'empty' }, spec: { pytorchReplicaSpecs: {} } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'spec.pytorchReplicaSpecs lists no replica types, so there is no pod description to mount data volumes into',
          path: '/spec/pytorchReplicaSpecs',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 'none' }, spec: { runPolicy: {} } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'Missing spec.tfReplicaSpecs: /spec/tfReplicaSpecs is not set, so there is no pod description to mount data volumes into',
          path: '/spec/tfReplicaSpecs',
        },
      ],
    );
    expectProblems(
      {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        spec: { pytorchReplicaSpecs: { Master: { replicas: 1 }, Worker: 'three', Evaluator: { template: { spec: { containers: [] } } } } },
      },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            "Missing the Master replica's pod template spec: /spec/pytorchReplicaSpecs/Master/template is not set, so there is no pod description to mount data volumes into",
          path: '/spec/pytorchReplicaSpecs/Master/template/spec',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/pytorchReplicaSpecs/Worker must be an object, found a string (while reading the Worker replica spec)',
          path: '/spec/pytorchReplicaSpecs/Worker',
        },
        {
          code: 'NO_POD_SPEC',
          message: "The Evaluator replica's pod template spec (/spec/pytorchReplicaSpecs/Evaluator/template/spec) has no containers to mount data volumes into",
          path: '/spec/pytorchReplicaSpecs/Evaluator/template/spec/containers',
        },
      ],
    );
  });
});

import { COCO, COCO_MOUNT, COCO_VOLUME, expectPatch, IMAGENET, IMAGENET_MOUNT, IMAGENET_VOLUME } from '../testing/workload-patch-expectations';

describe('kinds with pod specs at fixed places', () => {
  it('Pod: mounts containers and init containers, keeping existing volumes and mounts first', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'resnet50-eval', namespace: 'runai-team-a', labels: { app: 'eval' } },
      spec: {
        restartPolicy: 'Never',
        initContainers: [{ name: 'check-dataset', image: 'busybox:1.36', command: ['sh', '-c', 'test -f /data/imagenet/LOC_val_solution.csv'] }],
        containers: [
          {
            name: 'eval',
            image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
            command: ['python', 'eval.py'],
            volumeMounts: [
              { name: 'scratch', mountPath: '/scratch' },
              { name: 'shm', mountPath: '/dev/shm' },
            ],
          },
        ],
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'shm', emptyDir: { medium: 'Memory' } },
        ],
      },
    };
    const outcome = expectPatch(pod, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/containers/0/volumeMounts/-', value: IMAGENET_MOUNT },
        { op: 'add', path: '/spec/initContainers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'resnet50-eval', namespace: 'runai-team-a', labels: { app: 'eval' } },
        spec: {
          restartPolicy: 'Never',
          initContainers: [
            {
              name: 'check-dataset',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'test -f /data/imagenet/LOC_val_solution.csv'],
              volumeMounts: [IMAGENET_MOUNT],
            },
          ],
          containers: [
            {
              name: 'eval',
              image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
              command: ['python', 'eval.py'],
              volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }, { name: 'shm', mountPath: '/dev/shm' }, IMAGENET_MOUNT],
            },
          ],
          volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'shm', emptyDir: { medium: 'Memory' } }, IMAGENET_VOLUME],
        },
      },
    });
    expect(outcome.kind).toEqual({ group: '', kind: 'Pod', plural: 'pods', versions: ['v1'], resourceType: 'workloads', native: false, supported: true });
  });

  it('Deployment: creates the volumes and volumeMounts arrays in one add each', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'embedding-api', namespace: 'runai-team-a' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'embedding-api' } },
        template: {
          metadata: { labels: { app: 'embedding-api' } },
          spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/embedding-api:1.8.2', ports: [{ containerPort: 8080 }] }] },
        },
      },
    };
    expectPatch(deployment, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'embedding-api', namespace: 'runai-team-a' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'embedding-api' } },
          template: {
            metadata: { labels: { app: 'embedding-api' } },
            spec: {
              containers: [{ name: 'api', image: 'ghcr.io/acme/embedding-api:1.8.2', ports: [{ containerPort: 8080 }], volumeMounts: [IMAGENET_MOUNT] }],
              volumes: [IMAGENET_VOLUME],
            },
          },
        },
      },
    });
  });

  it('ReplicaSet: mounts every container, two data volumes at once', () => {
    const replicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'feature-extractor' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'fx' } },
        template: {
          metadata: { labels: { app: 'fx' } },
          spec: {
            containers: [
              { name: 'extractor', image: 'acme/fx:3.1', volumeMounts: [{ name: 'config', mountPath: '/etc/fx' }] },
              { name: 'metrics', image: 'prom/statsd-exporter:v0.26.1' },
            ],
            volumes: [{ name: 'config', configMap: { name: 'fx-config' } }],
          },
        },
      },
    };
    expectPatch(replicaSet, [IMAGENET, COCO], {
      patch: [
        { op: 'add', path: '/spec/template/spec/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/template/spec/volumes/-', value: COCO_VOLUME },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: IMAGENET_MOUNT },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: COCO_MOUNT },
        { op: 'add', path: '/spec/template/spec/containers/1/volumeMounts', value: [IMAGENET_MOUNT, COCO_MOUNT] },
      ],
      patched: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'feature-extractor' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'fx' } },
          template: {
            metadata: { labels: { app: 'fx' } },
            spec: {
              containers: [
                { name: 'extractor', image: 'acme/fx:3.1', volumeMounts: [{ name: 'config', mountPath: '/etc/fx' }, IMAGENET_MOUNT, COCO_MOUNT] },
                { name: 'metrics', image: 'prom/statsd-exporter:v0.26.1', volumeMounts: [IMAGENET_MOUNT, COCO_MOUNT] },
              ],
              volumes: [{ name: 'config', configMap: { name: 'fx-config' } }, IMAGENET_VOLUME, COCO_VOLUME],
            },
          },
        },
      },
    });
  });

  it('StatefulSet: leaves volumeClaimTemplates alone and patches the pod template', () => {
    const statefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'vector-db' },
      spec: {
        serviceName: 'vector-db',
        replicas: 3,
        selector: { matchLabels: { app: 'vector-db' } },
        template: {
          metadata: { labels: { app: 'vector-db' } },
          spec: { containers: [{ name: 'db', image: 'qdrant/qdrant:v1.11.0', volumeMounts: [{ name: 'storage', mountPath: '/qdrant/storage' }] }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'storage' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } } }],
      },
    };
    expectPatch(statefulSet, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: IMAGENET_MOUNT },
      ],
      patched: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'vector-db' },
        spec: {
          serviceName: 'vector-db',
          replicas: 3,
          selector: { matchLabels: { app: 'vector-db' } },
          template: {
            metadata: { labels: { app: 'vector-db' } },
            spec: {
              containers: [{ name: 'db', image: 'qdrant/qdrant:v1.11.0', volumeMounts: [{ name: 'storage', mountPath: '/qdrant/storage' }, IMAGENET_MOUNT] }],
              volumes: [IMAGENET_VOLUME],
            },
          },
          volumeClaimTemplates: [{ metadata: { name: 'storage' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } } }],
        },
      },
    });
  });

  it('Job: patches spec.template.spec', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'tokenize-corpus' },
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: 'OnFailure',
            containers: [{ name: 'tokenize', image: 'acme/tokenizer:0.9', args: ['--in', '/data/imagenet', '--out', '/out'] }],
            volumes: [{ name: 'out', persistentVolumeClaim: { claimName: 'tokenized' } }],
          },
        },
      },
    };
    expectPatch(job, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/template/spec/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'tokenize-corpus' },
        spec: {
          backoffLimit: 2,
          template: {
            spec: {
              restartPolicy: 'OnFailure',
              containers: [
                { name: 'tokenize', image: 'acme/tokenizer:0.9', args: ['--in', '/data/imagenet', '--out', '/out'], volumeMounts: [IMAGENET_MOUNT] },
              ],
              volumes: [{ name: 'out', persistentVolumeClaim: { claimName: 'tokenized' } }, IMAGENET_VOLUME],
            },
          },
        },
      },
    });
  });

  it('CronJob: patches spec.jobTemplate.spec.template.spec', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly-eval' },
      spec: {
        schedule: '0 2 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'Never',
                initContainers: [{ name: 'wait-for-model', image: 'busybox:1.36', command: ['sh', '-c', 'until test -f /models/latest; do sleep 5; done'] }],
                containers: [{ name: 'eval', image: 'acme/eval:2.0' }],
              },
            },
          },
        },
      },
    };
    expectPatch(cronJob, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/jobTemplate/spec/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/jobTemplate/spec/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/jobTemplate/spec/template/spec/initContainers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly-eval' },
        spec: {
          schedule: '0 2 * * *',
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  initContainers: [
                    {
                      name: 'wait-for-model',
                      image: 'busybox:1.36',
                      command: ['sh', '-c', 'until test -f /models/latest; do sleep 5; done'],
                      volumeMounts: [IMAGENET_MOUNT],
                    },
                  ],
                  containers: [{ name: 'eval', image: 'acme/eval:2.0', volumeMounts: [IMAGENET_MOUNT] }],
                  volumes: [IMAGENET_VOLUME],
                },
              },
            },
          },
        },
      },
    });
  });

  it('Notebook (kubeflow.org/v1): patches spec.template.spec', () => {
    const notebook = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'Notebook',
      metadata: { name: 'alice-lab', namespace: 'kubeflow-alice' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'alice-lab',
                image: 'kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.9.0',
                volumeMounts: [
                  { name: 'workspace', mountPath: '/home/jovyan' },
                  { name: 'dshm', mountPath: '/dev/shm' },
                ],
              },
            ],
            volumes: [
              { name: 'workspace', persistentVolumeClaim: { claimName: 'alice-lab-workspace' } },
              { name: 'dshm', emptyDir: { medium: 'Memory' } },
            ],
          },
        },
      },
    };
    expectPatch(notebook, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/template/spec/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: IMAGENET_MOUNT },
      ],
      patched: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'Notebook',
        metadata: { name: 'alice-lab', namespace: 'kubeflow-alice' },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'alice-lab',
                  image: 'kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.9.0',
                  volumeMounts: [{ name: 'workspace', mountPath: '/home/jovyan' }, { name: 'dshm', mountPath: '/dev/shm' }, IMAGENET_MOUNT],
                },
              ],
              volumes: [
                { name: 'workspace', persistentVolumeClaim: { claimName: 'alice-lab-workspace' } },
                { name: 'dshm', emptyDir: { medium: 'Memory' } },
                IMAGENET_VOLUME,
              ],
            },
          },
        },
      },
    });
  });

  it('Notebook (kubeflow.org/v1beta1) is accepted too', () => {
    const notebook = {
      apiVersion: 'kubeflow.org/v1beta1',
      kind: 'Notebook',
      metadata: { name: 'bob-lab' },
      spec: { template: { spec: { containers: [{ name: 'bob-lab', image: 'jupyter/scipy-notebook:2024-07-29' }] } } },
    };
    expectPatch(notebook, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'kubeflow.org/v1beta1',
        kind: 'Notebook',
        metadata: { name: 'bob-lab' },
        spec: {
          template: {
            spec: { containers: [{ name: 'bob-lab', image: 'jupyter/scipy-notebook:2024-07-29', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] },
          },
        },
      },
    });
  });

  it('Knative Service (serving.knative.dev/v1): patches spec.template.spec', () => {
    const service = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'classifier', namespace: 'runai-team-a' },
      spec: {
        template: {
          metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '1' } },
          spec: { containerConcurrency: 4, containers: [{ image: 'ghcr.io/acme/classifier:5.2', ports: [{ containerPort: 8080 }] }] },
        },
        traffic: [{ latestRevision: true, percent: 100 }],
      },
    };
    expectPatch(service, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/template/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'classifier', namespace: 'runai-team-a' },
        spec: {
          template: {
            metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '1' } },
            spec: {
              containerConcurrency: 4,
              containers: [{ image: 'ghcr.io/acme/classifier:5.2', ports: [{ containerPort: 8080 }], volumeMounts: [IMAGENET_MOUNT] }],
              volumes: [IMAGENET_VOLUME],
            },
          },
          traffic: [{ latestRevision: true, percent: 100 }],
        },
      },
    });
  });
});

import { expectPatch, expectProblems, IMAGENET, IMAGENET_MOUNT, IMAGENET_VOLUME } from '../testing/workload-patch-expectations';

const RAY_IMAGE = 'rayproject/ray:2.34.0-py311-gpu';

/** A RayCluster spec with a head group and two worker groups, as users write it. */
function clusterSpec(): Record<string, unknown> {
  return {
    rayVersion: '2.34.0',
    headGroupSpec: {
      rayStartParams: { 'dashboard-host': '0.0.0.0' },
      template: {
        spec: {
          containers: [{ name: 'ray-head', image: RAY_IMAGE, volumeMounts: [{ name: 'ray-logs', mountPath: '/tmp/ray' }] }],
          volumes: [{ name: 'ray-logs', emptyDir: {} }],
        },
      },
    },
    workerGroupSpecs: [
      { groupName: 'a100', replicas: 2, rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-worker', image: RAY_IMAGE }] } } },
      { groupName: 'cpu', replicas: 4, rayStartParams: {}, template: { spec: { containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.34.0-py311' }] } } },
    ],
  };
}

function patchedClusterSpec(): Record<string, unknown> {
  return {
    rayVersion: '2.34.0',
    headGroupSpec: {
      rayStartParams: { 'dashboard-host': '0.0.0.0' },
      template: {
        spec: {
          containers: [{ name: 'ray-head', image: RAY_IMAGE, volumeMounts: [{ name: 'ray-logs', mountPath: '/tmp/ray' }, IMAGENET_MOUNT] }],
          volumes: [{ name: 'ray-logs', emptyDir: {} }, IMAGENET_VOLUME],
        },
      },
    },
    workerGroupSpecs: [
      {
        groupName: 'a100',
        replicas: 2,
        rayStartParams: {},
        template: { spec: { containers: [{ name: 'ray-worker', image: RAY_IMAGE, volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] } },
      },
      {
        groupName: 'cpu',
        replicas: 4,
        rayStartParams: {},
        template: {
          spec: { containers: [{ name: 'ray-worker', image: 'rayproject/ray:2.34.0-py311', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] },
        },
      },
    ],
  };
}

function clusterOps(prefix: string) {
  return [
    { op: 'add' as const, path: `${prefix}/headGroupSpec/template/spec/volumes/-`, value: IMAGENET_VOLUME },
    { op: 'add' as const, path: `${prefix}/headGroupSpec/template/spec/containers/0/volumeMounts/-`, value: IMAGENET_MOUNT },
    { op: 'add' as const, path: `${prefix}/workerGroupSpecs/0/template/spec/volumes`, value: [IMAGENET_VOLUME] },
    { op: 'add' as const, path: `${prefix}/workerGroupSpecs/0/template/spec/containers/0/volumeMounts`, value: [IMAGENET_MOUNT] },
    { op: 'add' as const, path: `${prefix}/workerGroupSpecs/1/template/spec/volumes`, value: [IMAGENET_VOLUME] },
    { op: 'add' as const, path: `${prefix}/workerGroupSpecs/1/template/spec/containers/0/volumeMounts`, value: [IMAGENET_MOUNT] },
  ];
}

describe('KubeRay kinds', () => {
  it('RayCluster: mounts the head group and both worker groups', () => {
    expectPatch({ apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'llm-finetune' }, spec: clusterSpec() }, [IMAGENET], {
      patch: clusterOps('/spec'),
      patched: { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'llm-finetune' }, spec: patchedClusterSpec() },
    });
  });

  it('RayJob: mounts the embedded cluster and the submitter pod', () => {
    const rayJob = {
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: { name: 'batch-inference' },
      spec: {
        entrypoint: 'python /home/ray/samples/infer.py',
        shutdownAfterJobFinishes: true,
        rayClusterSpec: clusterSpec(),
        submitterPodTemplate: { spec: { restartPolicy: 'Never', containers: [{ name: 'ray-job-submitter', image: RAY_IMAGE }] } },
      },
    };
    expectPatch(rayJob, [IMAGENET], {
      patch: [
        ...clusterOps('/spec/rayClusterSpec'),
        { op: 'add', path: '/spec/submitterPodTemplate/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/submitterPodTemplate/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
      ],
      patched: {
        apiVersion: 'ray.io/v1',
        kind: 'RayJob',
        metadata: { name: 'batch-inference' },
        spec: {
          entrypoint: 'python /home/ray/samples/infer.py',
          shutdownAfterJobFinishes: true,
          rayClusterSpec: patchedClusterSpec(),
          submitterPodTemplate: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'ray-job-submitter', image: RAY_IMAGE, volumeMounts: [IMAGENET_MOUNT] }],
              volumes: [IMAGENET_VOLUME],
            },
          },
        },
      },
    });
  });

  it('RayJob without a submitter template: only the cluster', () => {
    const rayJob = { apiVersion: 'ray.io/v1', kind: 'RayJob', metadata: { name: 'j' }, spec: { entrypoint: 'python run.py', rayClusterSpec: clusterSpec() } };
    expectPatch(rayJob, [IMAGENET], {
      patch: clusterOps('/spec/rayClusterSpec'),
      patched: {
        apiVersion: 'ray.io/v1',
        kind: 'RayJob',
        metadata: { name: 'j' },
        spec: { entrypoint: 'python run.py', rayClusterSpec: patchedClusterSpec() },
      },
    });
  });

  it('RayService: mounts spec.rayClusterConfig', () => {
    const serveConfigV2 = 'applications:\n  - name: classifier\n    import_path: classifier:app\n';
    const rayService = {
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'classifier' },
      spec: { serveConfigV2, rayClusterConfig: clusterSpec() },
    };
    expectPatch(rayService, [IMAGENET], {
      patch: clusterOps('/spec/rayClusterConfig'),
      patched: {
        apiVersion: 'ray.io/v1',
        kind: 'RayService',
        metadata: { name: 'classifier' },
        spec: { serveConfigV2, rayClusterConfig: patchedClusterSpec() },
      },
    });
  });

  it('refuses a RayJob that runs on an existing cluster, and a cluster without a head group', () => {
    expectProblems(
      { apiVersion: 'ray.io/v1', kind: 'RayJob', spec: { entrypoint: 'python run.py', clusterSelector: { 'ray.io/cluster': 'shared' } } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message:
            'The RayJob runs on an existing RayCluster (spec.clusterSelector) and describes no cluster of its own; mount the data volume into that RayCluster instead',
          path: '/spec/clusterSelector',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'ray.io/v1', kind: 'RayCluster', spec: { workerGroupSpecs: 'none' } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: "Missing the head group's pod template spec: /spec/headGroupSpec is not set, so there is no pod description to mount data volumes into",
          path: '/spec/headGroupSpec/template/spec',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/workerGroupSpecs must be an array, found a string (while reading workerGroupSpecs)',
          path: '/spec/workerGroupSpecs',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'ray.io/v1', kind: 'RayService', spec: {} },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'Missing spec.rayClusterConfig: /spec/rayClusterConfig is not set, so there is no pod description to mount data volumes into',
          path: '/spec/rayClusterConfig',
        },
      ],
    );
  });
});

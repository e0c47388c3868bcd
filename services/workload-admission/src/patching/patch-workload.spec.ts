import { plannerFor } from './kinds/kind-planners';
import { applyJsonPatch, type MountRequest, patchWorkload } from './patch-workload';
import { COCO, COCO_MOUNT, COCO_VOLUME, expectPatch, expectProblems, IMAGENET, IMAGENET_MOUNT, IMAGENET_VOLUME } from './testing/workload-patch-expectations';
import { WORKLOAD_KINDS } from './workload-kinds';

function pod(spec: unknown): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
}

describe('patchWorkload', () => {
  it('has a planner for every supported kind and none for a refused one', () => {
    expect(WORKLOAD_KINDS.filter((info) => info.supported && plannerFor(info) === undefined)).toEqual([]);
    expect(WORKLOAD_KINDS.filter((info) => !info.supported).map(plannerFor)).toEqual([undefined]);
  });

  describe('refusing kinds', () => {
    it('refuses AmlJob with its reason', () => {
      expectProblems(
        { apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'AmlJob', metadata: { name: 'aml-train' }, spec: { template: {} } },
        [IMAGENET],
        [
          {
            code: 'KIND_NOT_SUPPORTED',
            message:
              'AmlJob (apiVersion "amlarc.azureml.com/v1alpha1") cannot be given data volumes: AmlJob has no public schema saying where it describes its pods, so it is refused rather than patched blindly. The workload was left unchanged.',
            path: '/kind',
          },
        ],
      );
    });

    it('refuses an unknown kind, naming apiVersion and kind', () => {
      expectProblems(
        { apiVersion: 'example.com/v1', kind: 'Widget', spec: {} },
        [IMAGENET],
        [
          {
            code: 'KIND_NOT_SUPPORTED',
            message: 'Workloads of kind Widget (apiVersion "example.com/v1") are not supported for data volume mounts; the workload was left unchanged.',
            path: '/kind',
          },
        ],
      );
    });

    it('refuses a core v1 Service, pointing at the Knative Service', () => {
      expectProblems(
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
        [IMAGENET],
        [
          {
            code: 'KIND_NOT_SUPPORTED',
            message:
              'Workloads of kind Service (apiVersion "v1") are not supported for data volume mounts; the workload was left unchanged. Service is supported only as serving.knative.dev/v1.',
            path: '/kind',
          },
        ],
      );
    });

    it('refuses a known kind under a version that is not accepted, and a third-party kind without apiVersion', () => {
      expectProblems(
        { apiVersion: 'apps/v1beta2', kind: 'Deployment', spec: {} },
        [IMAGENET],
        [
          {
            code: 'KIND_NOT_SUPPORTED',
            message:
              'Workloads of kind Deployment (apiVersion "apps/v1beta2") are not supported for data volume mounts; the workload was left unchanged. Deployment is supported only as apps/v1.',
            path: '/kind',
          },
        ],
      );
      expectProblems(
        { kind: 'Pod', spec: { containers: [] } },
        [IMAGENET],
        [
          {
            code: 'KIND_NOT_SUPPORTED',
            message:
              'Workloads of kind Pod (apiVersion not set) are not supported for data volume mounts; the workload was left unchanged. Pod is supported only as v1.',
            path: '/kind',
          },
        ],
      );
    });

    it('refuses objects without a usable kind or apiVersion', () => {
      expectProblems({ apiVersion: 'v1', spec: {} }, [IMAGENET], [{ code: 'MALFORMED_WORKLOAD', message: 'The workload has no kind', path: '/kind' }]);
      expectProblems({ apiVersion: 'v1', kind: 42 }, [IMAGENET], [{ code: 'MALFORMED_WORKLOAD', message: 'The workload has no kind', path: '/kind' }]);
      expectProblems(
        { apiVersion: ['v1'], kind: 'Pod' },
        [IMAGENET],
        [{ code: 'MALFORMED_WORKLOAD', message: 'The workload apiVersion must be a string', path: '/apiVersion' }],
      );
    });
  });

  describe('collisions', () => {
    it('reports a mount path taken in a container, with the pointer of the existing mount', () => {
      const workload = pod({
        containers: [{ name: 'trainer', image: 'acme/train:1', volumeMounts: [{ name: 'local-imagenet', mountPath: '/data/imagenet/' }] }],
        volumes: [{ name: 'local-imagenet', hostPath: { path: '/mnt/imagenet' } }],
      });
      expectProblems(
        workload,
        [IMAGENET],
        [
          {
            code: 'MOUNT_PATH_COLLISION',
            message:
              'The container "trainer" (/spec/containers/0) already has /data/imagenet taken by volume "local-imagenet" (/spec/containers/0/volumeMounts/0); data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be mounted there',
            path: '/spec/containers/0/volumeMounts/0',
            volumeId: IMAGENET.volumeId,
          },
        ],
      );
    });

    it('reports a volume name used by another source', () => {
      const workload = pod({
        containers: [{ name: 'trainer', image: 'acme/train:1' }],
        volumes: [{ name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'someone-elses-claim' } }],
      });
      expectProblems(
        workload,
        [IMAGENET],
        [
          {
            code: 'VOLUME_NAME_COLLISION',
            message:
              'A volume named "dv-imagenet" already exists at /spec/volumes/0 with another source; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
            path: '/spec/volumes/0',
            volumeId: IMAGENET.volumeId,
          },
        ],
      );
    });

    it('refuses the same claim under the same name when it is not read-only (a patch that only adds cannot fix it)', () => {
      const workload = pod({
        containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'dv-imagenet', mountPath: '/data/imagenet' }] }],
        volumes: [{ name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'dv-imagenet-runai-team-a', readOnly: false } }],
      });
      expectProblems(
        workload,
        [IMAGENET],
        [
          {
            code: 'VOLUME_NAME_COLLISION',
            message:
              'A volume named "dv-imagenet" already exists at /spec/volumes/0 binding the same claim without persistentVolumeClaim.readOnly: true; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
            path: '/spec/volumes/0',
            volumeId: IMAGENET.volumeId,
          },
        ],
      );
    });

    it('reports every problem of every place and every data volume, not just the first', () => {
      const job = {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        spec: {
          pytorchReplicaSpecs: {
            Master: {
              template: {
                spec: {
                  containers: [{ name: 'pytorch', image: 'acme/t:1', volumeMounts: [{ name: 'a', mountPath: '/data/imagenet' }] }],
                  volumes: [{ name: 'dv-coco-2017', emptyDir: {} }],
                },
              },
            },
            Worker: {
              template: {
                spec: {
                  initContainers: [{ name: 'unpack', image: 'busybox:1.36', volumeMounts: [{ name: 'b', mountPath: '/data/coco' }] }],
                  containers: [{ name: 'pytorch', image: 'acme/t:1', volumeMounts: [{ name: 'a', mountPath: '//data/imagenet' }] }],
                },
              },
            },
          },
        },
      };
      const outcome = patchWorkload(job, [IMAGENET, COCO]);
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.problems.map(({ code, path, volumeId }) => ({ code, path, volumeId }))).toEqual([
        { code: 'VOLUME_NAME_COLLISION', path: '/spec/pytorchReplicaSpecs/Master/template/spec/volumes/0', volumeId: COCO.volumeId },
        { code: 'MOUNT_PATH_COLLISION', path: '/spec/pytorchReplicaSpecs/Master/template/spec/containers/0/volumeMounts/0', volumeId: IMAGENET.volumeId },
        { code: 'MOUNT_PATH_COLLISION', path: '/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/volumeMounts/0', volumeId: IMAGENET.volumeId },
        { code: 'MOUNT_PATH_COLLISION', path: '/spec/pytorchReplicaSpecs/Worker/template/spec/initContainers/0/volumeMounts/0', volumeId: COCO.volumeId },
      ]);
    });

    it('does not crash on duplicate requests: the same request twice is added once, two at one path clash', () => {
      const workload = pod({ containers: [{ name: 'c', image: 'i' }] });
      expectPatch(workload, [IMAGENET, IMAGENET], {
        patch: [
          { op: 'add', path: '/spec/volumes', value: [IMAGENET_VOLUME] },
          { op: 'add', path: '/spec/containers/0/volumeMounts', value: [IMAGENET_MOUNT] },
        ],
        patched: pod({ containers: [{ name: 'c', image: 'i', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] }),
      });
      const samePath: MountRequest = { ...COCO, mountPath: IMAGENET.mountPath };
      expectProblems(
        workload,
        [IMAGENET, samePath],
        [
          {
            code: 'MOUNT_PATH_COLLISION',
            message:
              'The container "c" (/spec/containers/0) already has /data/imagenet taken by another requested data volume; data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff cannot be mounted there',
            path: '/spec/containers/0',
            volumeId: COCO.volumeId,
          },
        ],
      );
    });
  });

  describe('idempotency', () => {
    it('yields an empty patch for an already patched object', () => {
      const workload = pod({ containers: [{ name: 'c', image: 'i', volumeMounts: [IMAGENET_MOUNT] }], volumes: [IMAGENET_VOLUME] });
      expect(patchWorkload(workload, [IMAGENET])).toEqual({ ok: true, kind: expect.objectContaining({ kind: 'Pod' }), patched: workload, patch: [] });
    });

    it('completes a half-patched object: keeps what is there, adds only what is missing', () => {
      const workload = pod({
        containers: [
          { name: 'c', image: 'i', volumeMounts: [{ name: 'dv-imagenet', mountPath: '/data/imagenet/', readOnly: true }] },
          { name: 'd', image: 'j' },
        ],
        volumes: [{ name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'dv-imagenet-runai-team-a', readOnly: true } }],
      });
      expectPatch(workload, [IMAGENET, COCO], {
        patch: [
          { op: 'add', path: '/spec/volumes/-', value: COCO_VOLUME },
          { op: 'add', path: '/spec/containers/0/volumeMounts/-', value: COCO_MOUNT },
          { op: 'add', path: '/spec/containers/1/volumeMounts', value: [IMAGENET_MOUNT, COCO_MOUNT] },
        ],
        patched: pod({
          containers: [
            { name: 'c', image: 'i', volumeMounts: [{ name: 'dv-imagenet', mountPath: '/data/imagenet/', readOnly: true }, COCO_MOUNT] },
            { name: 'd', image: 'j', volumeMounts: [IMAGENET_MOUNT, COCO_MOUNT] },
          ],
          volumes: [{ name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'dv-imagenet-runai-team-a', readOnly: true } }, COCO_VOLUME],
        }),
      });
    });

    it('accepts no mounts at all with an empty patch and a copy', () => {
      const workload = pod({ containers: [{ name: 'c', image: 'i' }] });
      const outcome = patchWorkload(workload, []);
      expect(outcome).toEqual({ ok: true, kind: expect.objectContaining({ kind: 'Pod' }), patched: workload, patch: [] });
      expect(outcome.ok && outcome.patched).not.toBe(workload);
    });
  });

  describe('missing and malformed pod descriptions', () => {
    it('reports NO_POD_SPEC for a Deployment without spec.template.spec or without containers', () => {
      expectProblems(
        { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 1 } },
        [IMAGENET],
        [
          {
            code: 'NO_POD_SPEC',
            message: 'Missing the pod template spec: /spec/template is not set, so there is no pod description to mount data volumes into',
            path: '/spec/template/spec',
          },
        ],
      );
      expectProblems(
        { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { containers: [] } } } },
        [IMAGENET],
        [
          {
            code: 'NO_POD_SPEC',
            message: 'The pod template spec (/spec/template/spec) has no containers to mount data volumes into',
            path: '/spec/template/spec/containers',
          },
        ],
      );
      expectProblems(
        pod(null),
        [IMAGENET],
        [{ code: 'NO_POD_SPEC', message: 'Missing the Pod spec: /spec is not set, so there is no pod description to mount data volumes into', path: '/spec' }],
      );
    });

    it('reports MALFORMED_WORKLOAD for wrong types, every one of them', () => {
      expectProblems(
        pod({ containers: [{ name: 'c', image: 'i', volumeMounts: 'none' }, 'sidecar'], initContainers: {}, volumes: 5 }),
        [IMAGENET],
        [
          {
            code: 'MALFORMED_WORKLOAD',
            message: '/spec/initContainers must be an array, found an object (while reading initContainers)',
            path: '/spec/initContainers',
          },
          { code: 'MALFORMED_WORKLOAD', message: '/spec/volumes must be an array, found a number (while reading volumes)', path: '/spec/volumes' },
          {
            code: 'MALFORMED_WORKLOAD',
            message: '/spec/containers/0/volumeMounts must be an array, found a string (while reading volumeMounts)',
            path: '/spec/containers/0/volumeMounts',
          },
          { code: 'MALFORMED_WORKLOAD', message: '/spec/containers/1 must be an object, found a string (while reading container)', path: '/spec/containers/1' },
        ],
      );
      expectProblems(
        { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { template: 'pod' } },
        [IMAGENET],
        [
          {
            code: 'MALFORMED_WORKLOAD',
            message: '/spec/template must be an object, found a string (while reading the pod template spec)',
            path: '/spec/template',
          },
        ],
      );
    });

    it('never throws on odd shapes', () => {
      const shapes: unknown[] = [
        null,
        undefined,
        'Pod',
        42,
        true,
        [],
        [pod({})],
        { kind: 'Pod', apiVersion: 'v1', spec: 'x' },
        { kind: 'Pod', apiVersion: 'v1', spec: [] },
        { kind: 'Pod', apiVersion: 'v1', spec: { containers: 'c' } },
        {
          kind: 'Pod',
          apiVersion: 'v1',
          spec: { containers: [null, 3, [], { volumeMounts: [null, 'x', { mountPath: 7 }] }], volumes: [null, 'v', { name: 9 }] },
        },
        { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: [] } } },
        { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: [] } },
        { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', spec: { pytorchReplicaSpecs: [] } },
        { apiVersion: 'kubeflow.org/v1', kind: 'TFJob', spec: { tfReplicaSpecs: { Worker: null } } },
        { apiVersion: 'ray.io/v1', kind: 'RayCluster', spec: { headGroupSpec: { template: { spec: { containers: [{}] } } }, workerGroupSpecs: [null, 'g'] } },
        { apiVersion: 'ray.io/v1', kind: 'RayJob', spec: { rayClusterSpec: 'c', submitterPodTemplate: 3 } },
        { apiVersion: 'machinelearning.seldon.io/v1', kind: 'SeldonDeployment', spec: { predictors: 'p' } },
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          spec: { templates: [{ containerSet: { containers: 'x', volumeMounts: 3 } }, { initContainers: 'x', sidecars: [1] }], volumes: {} },
        },
        { apiVersion: 'kubeflow.org/v1beta1', kind: 'ScheduledWorkflow', spec: { workflow: 'w' } },
        { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', spec: { taskSpec: { steps: [1], stepTemplate: 'x', sidecars: {} }, podTemplate: [] } },
        {
          apiVersion: 'tekton.dev/v1',
          kind: 'PipelineRun',
          spec: { pipelineSpec: { tasks: [null, { taskSpec: 'x' }, { taskSpec: { steps: null } }], finally: 'f' }, taskRunSpecs: 'x' },
        },
        { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', spec: { domain: 'd', volumes: 'v' } },
        {
          apiVersion: 'workspace.devfile.io/v1alpha2',
          kind: 'DevWorkspace',
          spec: { template: { components: [null, { container: 'x' }, { name: 3, volume: 1 }] } },
        },
        {
          apiVersion: 'workspace.devfile.io/v1alpha2',
          kind: 'DevWorkspace',
          spec: {
            template: {
              attributes: { 'pod-overrides': { spec: 's' } },
              components: [{ container: {}, attributes: { 'container-overrides': { volumeMounts: [null, { mountPath: 1 }] }, 'pod-overrides': [] } }],
            },
          },
        },
        { kind: 'Workspace', spec: { storage: { pvc: [null, 'x'], dataVolume: 'd', hostPath: [{ mountPath: 1 }] } } },
        { kind: 'Training', spec: [] },
        JSON.parse('{"apiVersion":"v1","kind":"Pod","spec":{"__proto__":{"containers":[{"name":"x"}]}}}'),
      ];
      for (const shape of shapes) {
        const outcome = patchWorkload(shape as Record<string, unknown>, [IMAGENET, COCO]);
        if (outcome.ok) expect(applyJsonPatch(shape, outcome.patch)).toEqual(outcome.patched);
        else expect(outcome.problems.length).toBeGreaterThan(0);
      }
      expect(patchWorkload(null as unknown as Record<string, unknown>, [IMAGENET])).toEqual({
        ok: false,
        problems: [{ code: 'MALFORMED_WORKLOAD', message: 'The workload must be a JSON object', path: '' }],
      });
    });

    it('does not treat an inherited __proto__ as a pod spec', () => {
      const workload: unknown = JSON.parse('{"apiVersion":"v1","kind":"Pod","spec":{"__proto__":{"containers":[{"name":"x"}]}}}');
      expectProblems(
        workload,
        [IMAGENET],
        [{ code: 'NO_POD_SPEC', message: 'The Pod spec (/spec) has no containers to mount data volumes into', path: '/spec/containers' }],
      );
    });
  });
});

import { cloneJson } from '../json-value';
import { type MountRequest } from '../patch-types';
import { COCO, COCO_MOUNT, COCO_VOLUME, expectPatch, expectProblems, IMAGENET, IMAGENET_MOUNT, IMAGENET_VOLUME } from '../testing/workload-patch-expectations';

const API_VERSION = 'workspace.devfile.io/v1alpha2';
const UDI = 'quay.io/devfile/universal-developer-image:ubi8-latest';
const PYTORCH = 'nvcr.io/nvidia/pytorch:24.07-py3';

function devWorkspace(template: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: API_VERSION, kind: 'DevWorkspace', metadata: { name: 'alice-pytorch' }, spec: { started: true, template } };
}

describe('DevWorkspace', () => {
  it('declares the PVC in pod-overrides and mounts it through container-overrides of every container component, creating what is missing', () => {
    const projects = [{ name: 'trainer', git: { remotes: { origin: 'https://github.com/acme/trainer.git' } } }];
    const commands = [{ id: 'train', exec: { component: 'gpu-shell', commandLine: 'python train.py' } }];
    const workload = devWorkspace({
      projects,
      components: [
        {
          name: 'tools',
          attributes: { 'controller.devfile.io/merge-contribution': true },
          container: { image: UDI, memoryLimit: '8Gi', mountSources: true, volumeMounts: [{ name: 'venv', path: '/home/user/.venv' }] },
        },
        { name: 'venv', volume: { size: '5Gi' } },
        { name: 'gpu-shell', attributes: { 'container-overrides': { resources: { limits: { 'nvidia.com/gpu': 1 } } } }, container: { image: PYTORCH } },
        { name: 'debug', container: { image: 'busybox:1.36' } },
        { name: 'operator', kubernetes: { uri: 'deploy/operator.yaml' } },
      ],
      commands,
    });
    const outcome = expectPatch(workload, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/template/attributes', value: { 'pod-overrides': { spec: { volumes: [IMAGENET_VOLUME] } } } },
        { op: 'add', path: '/spec/template/components/0/attributes/container-overrides', value: { volumeMounts: [IMAGENET_MOUNT] } },
        { op: 'add', path: '/spec/template/components/2/attributes/container-overrides/volumeMounts', value: [IMAGENET_MOUNT] },
        { op: 'add', path: '/spec/template/components/3/attributes', value: { 'container-overrides': { volumeMounts: [IMAGENET_MOUNT] } } },
      ],
      patched: devWorkspace({
        projects,
        components: [
          {
            name: 'tools',
            attributes: { 'controller.devfile.io/merge-contribution': true, 'container-overrides': { volumeMounts: [IMAGENET_MOUNT] } },
            container: { image: UDI, memoryLimit: '8Gi', mountSources: true, volumeMounts: [{ name: 'venv', path: '/home/user/.venv' }] },
          },
          { name: 'venv', volume: { size: '5Gi' } },
          {
            name: 'gpu-shell',
            attributes: { 'container-overrides': { resources: { limits: { 'nvidia.com/gpu': 1 } }, volumeMounts: [IMAGENET_MOUNT] } },
            container: { image: PYTORCH },
          },
          { name: 'debug', attributes: { 'container-overrides': { volumeMounts: [IMAGENET_MOUNT] } }, container: { image: 'busybox:1.36' } },
          { name: 'operator', kubernetes: { uri: 'deploy/operator.yaml' } },
        ],
        commands,
        attributes: { 'pod-overrides': { spec: { volumes: [IMAGENET_VOLUME] } } },
      }),
    });
    // The operator would provision its own storage for a volume component, so none is added.
    expect(JSON.stringify(outcome.patch)).not.toContain('"volume":');
  });

  it('keeps existing pod-overrides and container-overrides and appends to them', () => {
    const scratchVolume = { name: 'scratch', emptyDir: { sizeLimit: '10Gi' } };
    const scratchMount = { name: 'scratch', mountPath: '/scratch' };
    const podOverrides = {
      metadata: { annotations: { 'io.kubernetes.cri-o.userns-mode': 'auto' } },
      spec: { runtimeClassName: 'nvidia', volumes: [scratchVolume] },
    };
    const containerOverrides = { resources: { limits: { 'nvidia.com/gpu': 1 } }, volumeMounts: [scratchMount] };
    const workload = devWorkspace({
      attributes: { 'controller.devfile.io/storage-type': 'per-workspace', 'pod-overrides': podOverrides },
      components: [
        {
          name: 'gpu-shell',
          attributes: { 'container-overrides': containerOverrides },
          container: { image: PYTORCH, volumeMounts: [{ name: 'cache', path: '/home/user/.cache' }] },
        },
        { name: 'cache', volume: {} },
      ],
    });
    expectPatch(workload, [IMAGENET, COCO], {
      patch: [
        { op: 'add', path: '/spec/template/attributes/pod-overrides/spec/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/template/attributes/pod-overrides/spec/volumes/-', value: COCO_VOLUME },
        { op: 'add', path: '/spec/template/components/0/attributes/container-overrides/volumeMounts/-', value: IMAGENET_MOUNT },
        { op: 'add', path: '/spec/template/components/0/attributes/container-overrides/volumeMounts/-', value: COCO_MOUNT },
      ],
      patched: devWorkspace({
        attributes: {
          'controller.devfile.io/storage-type': 'per-workspace',
          'pod-overrides': { metadata: podOverrides.metadata, spec: { runtimeClassName: 'nvidia', volumes: [scratchVolume, IMAGENET_VOLUME, COCO_VOLUME] } },
        },
        components: [
          {
            name: 'gpu-shell',
            attributes: { 'container-overrides': { resources: containerOverrides.resources, volumeMounts: [scratchMount, IMAGENET_MOUNT, COCO_MOUNT] } },
            container: { image: PYTORCH, volumeMounts: [{ name: 'cache', path: '/home/user/.cache' }] },
          },
          { name: 'cache', volume: {} },
        ],
      }),
    });
  });

  it('adds the spec of pod-overrides that has none, and attributes to a template that has others', () => {
    const annotations = { 'io.openshift.userns': 'true' };
    expectPatch(
      devWorkspace({ attributes: { 'pod-overrides': { metadata: { annotations } } }, components: [{ name: 'tools', container: { image: UDI } }] }),
      [IMAGENET],
      {
        patch: [
          { op: 'add', path: '/spec/template/attributes/pod-overrides/spec', value: { volumes: [IMAGENET_VOLUME] } },
          { op: 'add', path: '/spec/template/components/0/attributes', value: { 'container-overrides': { volumeMounts: [IMAGENET_MOUNT] } } },
        ],
        patched: devWorkspace({
          attributes: { 'pod-overrides': { metadata: { annotations }, spec: { volumes: [IMAGENET_VOLUME] } } },
          components: [{ name: 'tools', attributes: { 'container-overrides': { volumeMounts: [IMAGENET_MOUNT] } }, container: { image: UDI } }],
        }),
      },
    );
    expectPatch(
      devWorkspace({ attributes: { 'controller.devfile.io/storage-type': 'ephemeral' }, components: [{ name: 'tools', container: { image: UDI } }] }),
      [IMAGENET],
      {
        patch: [
          { op: 'add', path: '/spec/template/attributes/pod-overrides', value: { spec: { volumes: [IMAGENET_VOLUME] } } },
          { op: 'add', path: '/spec/template/components/0/attributes', value: { 'container-overrides': { volumeMounts: [IMAGENET_MOUNT] } } },
        ],
        patched: devWorkspace({
          attributes: { 'controller.devfile.io/storage-type': 'ephemeral', 'pod-overrides': { spec: { volumes: [IMAGENET_VOLUME] } } },
          components: [{ name: 'tools', attributes: { 'container-overrides': { volumeMounts: [IMAGENET_MOUNT] } }, container: { image: UDI } }],
        }),
      },
    );
  });

  it('adds nothing when the volume and read-only mounts are already there, wherever the operator would find them', () => {
    const workload = devWorkspace({
      attributes: {
        'pod-overrides': { spec: { volumes: [{ persistentVolumeClaim: { readOnly: true, claimName: 'dv-imagenet-runai-team-a' }, name: 'dv-imagenet' }] } },
      },
      components: [
        {
          name: 'tools',
          attributes: { 'container-overrides': { volumeMounts: [{ readOnly: true, mountPath: '/data/imagenet/', name: 'dv-imagenet' }, COCO_MOUNT] } },
          container: { image: UDI },
        },
        // A component's own pod-overrides go into the same pod, so the volume declared here counts too.
        {
          name: 'gpu-shell',
          attributes: { 'pod-overrides': { spec: { volumes: [COCO_VOLUME] } }, 'container-overrides': { volumeMounts: [IMAGENET_MOUNT, COCO_MOUNT] } },
          container: { image: PYTORCH },
        },
      ],
    });
    expectPatch(workload, [IMAGENET, COCO], { patch: [], patched: cloneJson(workload) });
  });

  it('refuses mount paths taken by devfile mounts {name, path} or by container-overrides mounts {name, mountPath}', () => {
    const workload = devWorkspace({
      components: [
        { name: 'tools', container: { image: UDI, volumeMounts: [{ name: 'coco-cache', path: '/data/coco/' }] } },
        { name: 'coco-cache', volume: { size: '20Gi' } },
        {
          name: 'gpu-shell',
          attributes: { 'container-overrides': { volumeMounts: [{ name: 'imagenet-local', mountPath: '//data/imagenet' }] } },
          container: { image: PYTORCH },
        },
        {
          name: 'notebook',
          attributes: { 'container-overrides': { volumeMounts: [{ name: 'dv-imagenet', mountPath: '/data/imagenet' }] } },
          container: { image: 'quay.io/jupyter/scipy-notebook' },
        },
      ],
    });
    expectProblems(
      workload,
      [IMAGENET, COCO],
      [
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            'The container component "tools" (/spec/template/components/0) already has /data/coco taken by volume "coco-cache" (/spec/template/components/0/container/volumeMounts/0); data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff cannot be mounted there',
          path: '/spec/template/components/0/container/volumeMounts/0',
          volumeId: COCO.volumeId,
        },
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            'The container component "gpu-shell" (/spec/template/components/2) already has /data/imagenet taken by volume "imagenet-local" (/spec/template/components/2/attributes/container-overrides/volumeMounts/0); data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be mounted there',
          path: '/spec/template/components/2/attributes/container-overrides/volumeMounts/0',
          volumeId: IMAGENET.volumeId,
        },
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            'The container component "notebook" (/spec/template/components/3) already mounts volume "dv-imagenet" at /data/imagenet without readOnly: true (/spec/template/components/3/attributes/container-overrides/volumeMounts/0); data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be mounted there',
          path: '/spec/template/components/3/attributes/container-overrides/volumeMounts/0',
          volumeId: IMAGENET.volumeId,
        },
      ],
    );
  });

  it('refuses two requested data volumes at one path', () => {
    const other: MountRequest = { ...COCO, mountPath: '/data/imagenet/' };
    expectProblems(
      devWorkspace({ components: [{ container: { image: UDI } }] }),
      [IMAGENET, other],
      [
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            'The container component (/spec/template/components/0) already has /data/imagenet/ taken by another requested data volume; data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff cannot be mounted there',
          path: '/spec/template/components/0',
          volumeId: COCO.volumeId,
        },
      ],
    );
  });

  it('refuses volume names already taken in pod-overrides or by a volume component', () => {
    const workload = devWorkspace({
      attributes: {
        'pod-overrides': {
          spec: {
            volumes: [
              { name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'dv-imagenet-runai-team-a' } },
              { name: 'dv-coco-2017', emptyDir: {} },
            ],
          },
        },
      },
      components: [
        {
          name: 'tools',
          attributes: { 'pod-overrides': { spec: { volumes: [{ name: 'dv-imagenet', csi: { driver: 'csi.sharedresource.openshift.io', readOnly: true } }] } } },
          container: { image: UDI },
        },
        { name: 'dv-coco-2017', volume: { ephemeral: true } },
      ],
    });
    expectProblems(
      workload,
      [IMAGENET, COCO],
      [
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A pod-overrides volume named "dv-imagenet" already exists at /spec/template/attributes/pod-overrides/spec/volumes/0 binding the same claim without persistentVolumeClaim.readOnly: true; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
          path: '/spec/template/attributes/pod-overrides/spec/volumes/0',
          volumeId: IMAGENET.volumeId,
        },
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A pod-overrides volume named "dv-imagenet" already exists at /spec/template/components/0/attributes/pod-overrides/spec/volumes/0 with another source; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
          path: '/spec/template/components/0/attributes/pod-overrides/spec/volumes/0',
          volumeId: IMAGENET.volumeId,
        },
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A volume component named "dv-coco-2017" already exists at /spec/template/components/1, and the DevWorkspace operator may give the workspace pod a volume of that name; data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff (claim "dv-coco-2017-runai-team-a") cannot use that name',
          path: '/spec/template/components/1',
          volumeId: COCO.volumeId,
        },
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A pod-overrides volume named "dv-coco-2017" already exists at /spec/template/attributes/pod-overrides/spec/volumes/1 with another source; data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff (claim "dv-coco-2017-runai-team-a") cannot use that name',
          path: '/spec/template/attributes/pod-overrides/spec/volumes/1',
          volumeId: COCO.volumeId,
        },
      ],
    );
  });

  it('refuses overrides written as strings instead of mangling them', () => {
    const workload = devWorkspace({
      attributes: { 'pod-overrides': '{"spec": {"runtimeClassName": "kata"}}' },
      components: [
        { name: 'tools', attributes: { 'container-overrides': 'resources:\n  limits:\n    nvidia.com/gpu: 1\n' }, container: { image: UDI } },
        { name: 'gpu-shell', attributes: { 'pod-overrides': 'spec: {schedulerName: stork}' }, container: { image: PYTORCH } },
        { name: 'debug', attributes: { 'container-overrides': [] }, container: { image: 'busybox:1.36' } },
      ],
    });
    expectProblems(
      workload,
      [IMAGENET],
      [
        {
          code: 'MALFORMED_WORKLOAD',
          message:
            '/spec/template/attributes/pod-overrides must be an object, found a string: the data volumes are added there, and an add-only patch cannot add to anything else without replacing what the user wrote. The DevWorkspace operator also accepts pod-overrides written as a YAML/JSON string, but the patcher does not; write it as an object.',
          path: '/spec/template/attributes/pod-overrides',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message:
            '/spec/template/components/1/attributes/pod-overrides must be an object, found a string: the patcher must read the volumes it declares to rule out a name clash with the data volumes. The DevWorkspace operator also accepts pod-overrides written as a YAML/JSON string, but the patcher does not; write it as an object.',
          path: '/spec/template/components/1/attributes/pod-overrides',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message:
            '/spec/template/components/0/attributes/container-overrides must be an object, found a string: the data volumes are added there, and an add-only patch cannot add to anything else without replacing what the user wrote. The DevWorkspace operator also accepts container-overrides written as a YAML/JSON string, but the patcher does not; write it as an object.',
          path: '/spec/template/components/0/attributes/container-overrides',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message:
            '/spec/template/components/2/attributes/container-overrides must be an object, found an array: the data volumes are added there, and an add-only patch cannot add to anything else without replacing what the user wrote.',
          path: '/spec/template/components/2/attributes/container-overrides',
        },
      ],
    );
  });

  it('refuses a DevWorkspace without a template or without container components', () => {
    expectProblems(
      {
        apiVersion: API_VERSION,
        kind: 'DevWorkspace',
        spec: {
          template: {
            components: [
              { name: 'v', volume: {} },
              { name: 'k', kubernetes: { uri: 'k.yaml' } },
            ],
          },
        },
      },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'The DevWorkspace template has no container component, so there is nothing to mount data volumes into',
          path: '/spec/template/components',
        },
      ],
    );
    expectProblems(
      { apiVersion: API_VERSION, kind: 'DevWorkspace', spec: { template: { components: [{ name: 'tools', container: null }] } } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'The DevWorkspace template has no container component, so there is nothing to mount data volumes into',
          path: '/spec/template/components',
        },
      ],
    );
    expectProblems(
      { apiVersion: API_VERSION, kind: 'DevWorkspace', spec: { template: { components: [] } } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'The DevWorkspace template has no components, so there is no container to mount data volumes into',
          path: '/spec/template/components',
        },
      ],
    );
    expectProblems(
      { apiVersion: API_VERSION, kind: 'DevWorkspace', spec: { started: false } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'Missing the DevWorkspace template (spec.template): /spec/template is not set, so there is no pod description to mount data volumes into',
          path: '/spec/template',
        },
      ],
    );
  });

  it('refuses a container component whose container or attributes are not objects', () => {
    expectProblems(
      devWorkspace({
        attributes: 'x',
        components: [
          { name: 'tools', container: 'udi' },
          { name: 'gpu-shell', attributes: 7, container: { image: PYTORCH, volumeMounts: {} } },
        ],
      }),
      [IMAGENET],
      [
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/template/attributes must be an object, found a string (while reading pod-overrides volumes)',
          path: '/spec/template/attributes',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/template/components/1/attributes must be an object, found a number (while reading pod-overrides volumes)',
          path: '/spec/template/components/1/attributes',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/template/components/0/container must be an object, found a string (while reading container)',
          path: '/spec/template/components/0/container',
        },
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/template/components/1/container/volumeMounts must be an array, found an object (while reading volumeMounts)',
          path: '/spec/template/components/1/container/volumeMounts',
        },
      ],
    );
  });
});

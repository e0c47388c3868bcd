import { COCO, expectPatch, expectProblems, IMAGENET } from '../testing/workload-patch-expectations';

const IMAGENET_PVC = { claimName: 'dv-imagenet-runai-team-a', path: '/data/imagenet', readOnly: true, dataVolumeId: IMAGENET.volumeId };
const COCO_PVC = { claimName: 'dv-coco-2017-runai-team-a', path: '/data/coco', readOnly: true, dataVolumeId: COCO.volumeId };

describe('native kinds', () => {
  it('Workspace: creates spec.storage.pvc next to the requested dataVolume entries', () => {
    const workspace = {
      kind: 'Workspace',
      metadata: { name: 'alice-jupyter', projectId: '4501' },
      spec: {
        image: 'jupyter/scipy-notebook',
        compute: { gpuDevicesRequest: 1 },
        storage: { dataVolume: [{ id: IMAGENET.volumeId, mountPath: '/data/imagenet' }] },
      },
    };
    const outcome = expectPatch(workspace, [IMAGENET], {
      patch: [{ op: 'add', path: '/spec/storage/pvc', value: [IMAGENET_PVC] }],
      patched: {
        kind: 'Workspace',
        metadata: { name: 'alice-jupyter', projectId: '4501' },
        spec: {
          image: 'jupyter/scipy-notebook',
          compute: { gpuDevicesRequest: 1 },
          storage: { dataVolume: [{ id: IMAGENET.volumeId, mountPath: '/data/imagenet' }], pvc: [IMAGENET_PVC] },
        },
      },
    });
    expect(outcome.kind.resourceType).toBe('workspaces');
  });

  it('Training (run.ai apiVersion): appends to an existing pvc list, two data volumes', () => {
    const training = {
      apiVersion: 'run.ai/v2alpha1',
      kind: 'Training',
      metadata: { name: 'bert-finetune' },
      spec: {
        image: 'acme/bert:2.0',
        storage: {
          pvc: [{ claimName: 'checkpoints', path: '/checkpoints', existingPvc: true }],
          hostPath: [{ name: 'nvme', path: '/data/imagenet', mountPath: '/scratch' }],
          dataVolume: [
            { id: IMAGENET.volumeId, mountPath: '/data/imagenet' },
            { id: COCO.volumeId, mountPath: '/data/coco' },
          ],
        },
      },
    };
    const outcome = expectPatch(training, [IMAGENET, COCO], {
      patch: [
        { op: 'add', path: '/spec/storage/pvc/-', value: IMAGENET_PVC },
        { op: 'add', path: '/spec/storage/pvc/-', value: COCO_PVC },
      ],
      patched: {
        apiVersion: 'run.ai/v2alpha1',
        kind: 'Training',
        metadata: { name: 'bert-finetune' },
        spec: {
          image: 'acme/bert:2.0',
          storage: {
            pvc: [{ claimName: 'checkpoints', path: '/checkpoints', existingPvc: true }, IMAGENET_PVC, COCO_PVC],
            hostPath: [{ name: 'nvme', path: '/data/imagenet', mountPath: '/scratch' }],
            dataVolume: [
              { id: IMAGENET.volumeId, mountPath: '/data/imagenet' },
              { id: COCO.volumeId, mountPath: '/data/coco' },
            ],
          },
        },
      },
    });
    expect(outcome.kind.resourceType).toBe('trainings');
  });

  it('DistributedTraining and Inference: create spec.storage when absent', () => {
    for (const [kind, resourceType] of [
      ['DistributedTraining', 'trainings'],
      ['Inference', 'inferences'],
    ] as const) {
      const workload = { kind, metadata: { name: 'w' }, spec: { image: 'acme/serve:1.0' } };
      const outcome = expectPatch(workload, [IMAGENET], {
        patch: [{ op: 'add', path: '/spec/storage', value: { pvc: [IMAGENET_PVC] } }],
        patched: { kind, metadata: { name: 'w' }, spec: { image: 'acme/serve:1.0', storage: { pvc: [IMAGENET_PVC] } } },
      });
      expect(outcome.kind).toEqual({ group: 'run.ai', kind, plural: '', versions: [], resourceType, native: true, supported: true });
    }
  });

  it('refuses a path taken by another storage entry, compared after normalising', () => {
    const inference = {
      kind: 'Inference',
      spec: {
        storage: {
          pvc: [{ claimName: 'old-imagenet', path: '/data/imagenet/' }],
          git: [{ repository: 'https://github.com/acme/coco-tools', path: '//data/coco' }],
          nfs: [{ server: 'nfs.acme.internal', path: '/exports/data', mountPath: '/exports' }],
        },
      },
    };
    expectProblems(
      inference,
      [IMAGENET, COCO],
      [
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            '/data/imagenet is already taken by the pvc entry at /spec/storage/pvc/0; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be mounted there',
          path: '/spec/storage/pvc/0',
          volumeId: IMAGENET.volumeId,
        },
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            '/data/coco is already taken by the git entry at /spec/storage/git/0; data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff cannot be mounted there',
          path: '/spec/storage/git/0',
          volumeId: COCO.volumeId,
        },
      ],
    );
  });

  it('keeps a read-only entry of the same claim and path, refuses a writable one', () => {
    const workspace = { kind: 'Workspace', spec: { storage: { pvc: [{ claimName: 'dv-imagenet-runai-team-a', path: '/data/imagenet/', readOnly: true }] } } };
    expectPatch(workspace, [IMAGENET], { patch: [], patched: workspace });
    expectProblems(
      { kind: 'Workspace', spec: { storage: { pvc: [{ claimName: 'dv-imagenet-runai-team-a', path: '/data/imagenet' }] } } },
      [IMAGENET],
      [
        {
          code: 'MOUNT_PATH_COLLISION',
          message:
            '/data/imagenet is already taken by the pvc entry at /spec/storage/pvc/0; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be mounted there',
          path: '/spec/storage/pvc/0',
          volumeId: IMAGENET.volumeId,
        },
      ],
    );
  });

  it('refuses malformed storage and a workload without spec', () => {
    expectProblems(
      { kind: 'Workspace', spec: { storage: { pvc: { claimName: 'x' } } } },
      [IMAGENET],
      [
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/storage/pvc must be an array, found an object (while reading spec.storage.pvc)',
          path: '/spec/storage/pvc',
        },
      ],
    );
    expectProblems(
      { kind: 'Workspace', spec: { storage: 'none' } },
      [IMAGENET],
      [{ code: 'MALFORMED_WORKLOAD', message: '/spec/storage must be an object, found a string (while reading spec.storage)', path: '/spec/storage' }],
    );
    expectProblems(
      { kind: 'Training', metadata: { name: 't' } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: 'Missing the workload spec: /spec is not set, so there is no pod description to mount data volumes into',
          path: '/spec',
        },
      ],
    );
  });
});

import { COCO, COCO_VOLUME, expectPatch, expectProblems, IMAGENET, IMAGENET_VOLUME } from '../testing/workload-patch-expectations';

describe('KubeVirt VirtualMachineInstance', () => {
  const vmi = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name: 'analysis-vm', namespace: 'runai-team-a' },
    spec: {
      domain: {
        cpu: { cores: 8 },
        memory: { guest: '32Gi' },
        devices: {
          disks: [
            { name: 'rootdisk', disk: { bus: 'virtio' } },
            { name: 'cloudinit', disk: { bus: 'virtio' } },
          ],
        },
      },
      volumes: [
        { name: 'rootdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:40' } },
        { name: 'cloudinit', cloudInitNoCloud: { userData: '#cloud-config\nmounts:\n  - [dv-imagenet, /data/imagenet, virtiofs]\n' } },
      ],
    },
  };

  it('adds a PVC volume and a virtiofs filesystem device named after it (two data volumes)', () => {
    expectPatch(vmi, [IMAGENET, COCO], {
      patch: [
        { op: 'add', path: '/spec/volumes/-', value: IMAGENET_VOLUME },
        { op: 'add', path: '/spec/volumes/-', value: COCO_VOLUME },
        {
          op: 'add',
          path: '/spec/domain/devices/filesystems',
          value: [
            { name: 'dv-imagenet', virtiofs: {} },
            { name: 'dv-coco-2017', virtiofs: {} },
          ],
        },
      ],
      patched: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstance',
        metadata: { name: 'analysis-vm', namespace: 'runai-team-a' },
        spec: {
          domain: {
            cpu: { cores: 8 },
            memory: { guest: '32Gi' },
            devices: {
              disks: [
                { name: 'rootdisk', disk: { bus: 'virtio' } },
                { name: 'cloudinit', disk: { bus: 'virtio' } },
              ],
              filesystems: [
                { name: 'dv-imagenet', virtiofs: {} },
                { name: 'dv-coco-2017', virtiofs: {} },
              ],
            },
          },
          volumes: [
            { name: 'rootdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:40' } },
            { name: 'cloudinit', cloudInitNoCloud: { userData: '#cloud-config\nmounts:\n  - [dv-imagenet, /data/imagenet, virtiofs]\n' } },
            IMAGENET_VOLUME,
            COCO_VOLUME,
          ],
        },
      },
    });
  });

  it('creates spec.domain.devices and spec.volumes when absent', () => {
    const bare = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: 'bare' },
      spec: { domain: { resources: { requests: { memory: '2Gi' } } } },
    };
    expectPatch(bare, [IMAGENET], {
      patch: [
        { op: 'add', path: '/spec/volumes', value: [IMAGENET_VOLUME] },
        { op: 'add', path: '/spec/domain/devices', value: { filesystems: [{ name: 'dv-imagenet', virtiofs: {} }] } },
      ],
      patched: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstance',
        metadata: { name: 'bare' },
        spec: {
          domain: { resources: { requests: { memory: '2Gi' } }, devices: { filesystems: [{ name: 'dv-imagenet', virtiofs: {} }] } },
          volumes: [IMAGENET_VOLUME],
        },
      },
    });
  });

  it('refuses names already used by a disk or another filesystem, and a VMI without a domain', () => {
    const clashing = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      spec: {
        domain: { devices: { disks: [{ name: 'dv-imagenet', disk: {} }], filesystems: [{ name: 'dv-coco-2017', virtiofs: { cache: 'none' } }] } },
        volumes: [{ name: 'dv-imagenet', dataVolume: { name: 'imagenet-copy' } }],
      },
    };
    expectProblems(
      clashing,
      [IMAGENET, COCO],
      [
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'A volume named "dv-imagenet" already exists at /spec/volumes/0 with another source; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 (claim "dv-imagenet-runai-team-a") cannot use that name',
          path: '/spec/volumes/0',
          volumeId: IMAGENET.volumeId,
        },
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'The name "dv-imagenet" is already used by a disk at /spec/domain/devices/disks/0; data volume 5f0c2a9e-7d1b-4c8e-9a61-2b3c4d5e6f70 cannot be exposed under that name',
          path: '/spec/domain/devices/disks/0',
          volumeId: IMAGENET.volumeId,
        },
        {
          code: 'VOLUME_NAME_COLLISION',
          message:
            'The name "dv-coco-2017" is already used by a filesystem at /spec/domain/devices/filesystems/0; data volume 0a1b2c3d-4e5f-4607-8899-aabbccddeeff cannot be exposed under that name',
          path: '/spec/domain/devices/filesystems/0',
          volumeId: COCO.volumeId,
        },
      ],
    );
    expectProblems(
      { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', spec: { volumes: [] } },
      [IMAGENET],
      [
        {
          code: 'NO_POD_SPEC',
          message: "Missing the VirtualMachineInstance's spec.domain: /spec/domain is not set, so there is no pod description to mount data volumes into",
          path: '/spec/domain',
        },
      ],
    );
    expectProblems(
      { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', spec: { domain: { devices: [] } } },
      [IMAGENET],
      [
        {
          code: 'MALFORMED_WORKLOAD',
          message: '/spec/domain/devices must be an object, found an array (while reading filesystems)',
          path: '/spec/domain/devices',
        },
      ],
    );
  });
});

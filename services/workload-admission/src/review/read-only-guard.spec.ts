import { writableDataVolumeReferences } from './read-only-guard';

const shared = new Set(['dv-8f3a21c0-imagenet']);

function pod(pvcReadOnly: boolean | undefined, mountReadOnly: boolean | undefined) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    spec: {
      containers: [
        {
          name: 'main',
          volumeMounts: [
            { name: 'data', mountPath: '/data', ...(mountReadOnly === undefined ? {} : { readOnly: mountReadOnly }) },
            { name: 'scratch', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'dv-8f3a21c0-imagenet', ...(pvcReadOnly === undefined ? {} : { readOnly: pvcReadOnly }) } },
        { name: 'scratch', persistentVolumeClaim: { claimName: 'my-own' } },
      ],
    },
  };
}

describe('writableDataVolumeReferences', () => {
  it('accepts a direct reference that is read-only in the source and every mount', () => {
    expect(writableDataVolumeReferences(pod(true, true), shared)).toEqual([]);
  });

  it('names the writable source and the writable mount', () => {
    expect(writableDataVolumeReferences(pod(undefined, false), shared)).toEqual([
      expect.objectContaining({ code: 'NOT_READ_ONLY', path: '/spec/volumes/0/persistentVolumeClaim' }),
      expect.objectContaining({ code: 'NOT_READ_ONLY', path: '/spec/containers/0/volumeMounts/0' }),
    ]);
  });

  it('ignores PVCs that are not data volumes, and everything when nothing is protected', () => {
    expect(writableDataVolumeReferences(pod(undefined, undefined), new Set(['other']))).toEqual([]);
    expect(writableDataVolumeReferences(pod(undefined, undefined), new Set())).toEqual([]);
  });

  it('finds references in any layout (a Deployment template)', () => {
    const deployment = { kind: 'Deployment', spec: { template: { spec: pod(false, true).spec } } };
    expect(writableDataVolumeReferences(deployment, shared).map((r) => r.path)).toEqual(['/spec/template/spec/volumes/0/persistentVolumeClaim']);
  });
});

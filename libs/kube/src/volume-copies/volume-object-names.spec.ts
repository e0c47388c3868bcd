import { copyNames } from './volume-object-names';

describe('copyNames', () => {
  it('derives the PV copy and PVC names from the volume id, deterministically', () => {
    const names = copyNames('3F2504E0-4F89-11D3-9A0C-0305E82C3301', 'imagenet', 'runai-proj-a');
    expect(names).toEqual({ pvName: 'dv-3f2504e0-runai-proj-a', pvcName: 'dv-3f2504e0-imagenet' });
    expect(copyNames('3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'imagenet', 'runai-proj-a')).toEqual(names);
  });

  it('stays a valid Kubernetes name for the longest inputs', () => {
    const names = copyNames('3f2504e0-4f89-11d3-9a0c-0305e82c3301', `a${'-'.repeat(62)}`, 'n'.repeat(63));
    expect(names.pvcName).toBe('dv-3f2504e0-a');
    expect(names.pvName.length).toBeLessThanOrEqual(253);
  });
});

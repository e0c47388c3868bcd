import { applyJsonPatch } from '../patching/patch-workload';
import { ADMISSION_REVIEW_LABEL, reviewLabelOf, withReviewLabel } from './review-label';

const REVIEW = '7b0c2a52-1f7e-4d55-9d0e-2f1a3c4b5d6e';

describe('the admission-review label', () => {
  it('is added beside the labels the user wrote, and the patch makes exactly the patched object', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'x' } }, spec: {} };
    const labelled = withReviewLabel({ workload: pod, patch: [] }, REVIEW);
    expect(labelled.patch).toEqual([{ op: 'add', path: '/metadata/labels/dv.platform~1admission-review', value: REVIEW }]);
    expect(labelled.workload).toEqual({ ...pod, metadata: { name: 'p', labels: { app: 'x', [ADMISSION_REVIEW_LABEL]: REVIEW } } });
    expect(applyJsonPatch(pod, labelled.patch)).toEqual(labelled.workload);
    expect(reviewLabelOf(labelled.workload)).toBe(REVIEW);
  });

  it('creates the labels map when the object has none, after the mounts already in the patch', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'p-' }, spec: {} };
    const mounts = [{ op: 'add' as const, path: '/spec/volumes', value: [] }];
    const labelled = withReviewLabel({ workload: { ...pod, spec: { volumes: [] } }, patch: mounts }, REVIEW);
    expect(labelled.patch).toEqual([...mounts, { op: 'add', path: '/metadata/labels', value: { [ADMISSION_REVIEW_LABEL]: REVIEW } }]);
    expect(applyJsonPatch(pod, labelled.patch)).toEqual(labelled.workload);
    expect(reviewLabelOf(pod)).toBeUndefined();
  });
});

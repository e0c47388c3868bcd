import { type JsonPatchOp } from '../patching/patch-workload';
import { escapePointerSegment } from '../patching/json-pointer';
import { metadataOf } from './reviewed-workload';

/**
 * The label the webhook puts on every object it admits: the id of the review that admitted it. An
 * object created with `generateName` has no name at admission, so its usage record finds it by this
 * label; a named object's record checks that the object holding the name is the one it admitted.
 * Updates may not change it (see the webhook).
 */
export const ADMISSION_REVIEW_LABEL = 'dv.platform/admission-review';

/** The patch and the patched object with the label added (an `add`: it sets the key, keeping every other label). */
export function withReviewLabel(
  patched: { workload: Record<string, unknown>; patch: JsonPatchOp[] },
  reviewId: string,
): { workload: Record<string, unknown>; patch: JsonPatchOp[] } {
  const metadata = metadataOf(patched.workload);
  const labels = metadata?.['labels'];
  const hasLabels = typeof labels === 'object' && labels !== null && !Array.isArray(labels);
  const op: JsonPatchOp = hasLabels
    ? { op: 'add', path: `/metadata/labels/${escapePointerSegment(ADMISSION_REVIEW_LABEL)}`, value: reviewId }
    : metadata
      ? { op: 'add', path: '/metadata/labels', value: { [ADMISSION_REVIEW_LABEL]: reviewId } }
      : { op: 'add', path: '/metadata', value: { labels: { [ADMISSION_REVIEW_LABEL]: reviewId } } };
  const nextLabels = { ...(hasLabels ? (labels as Record<string, unknown>) : {}), [ADMISSION_REVIEW_LABEL]: reviewId };
  return { workload: { ...patched.workload, metadata: { ...(metadata ?? {}), labels: nextLabels } }, patch: [...patched.patch, op] };
}

/** The label's value on an object, if any. */
export function reviewLabelOf(workload: Record<string, unknown> | undefined): string | undefined {
  const labels = workload ? metadataOf(workload)?.['labels'] : undefined;
  if (typeof labels !== 'object' || labels === null) return undefined;
  const value = (labels as Record<string, unknown>)[ADMISSION_REVIEW_LABEL];
  return typeof value === 'string' ? value : undefined;
}

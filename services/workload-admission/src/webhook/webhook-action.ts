import { DATA_VOLUMES_ANNOTATION, type DenialReason } from '@dv/contracts';
import { metadataOf } from '../review/reviewed-workload';
import { ADMISSION_REVIEW_LABEL, reviewLabelOf } from '../review/review-label';
import { type AdmissionReviewRequest } from './admission-review';

/** What the webhook does with an AdmissionReview. */
export type WebhookAction =
  /** Nothing to look at: let it through untouched. */
  | { action: 'pass' }
  /** A new object: review the volumes it asks for (and guard the PVCs it names directly). */
  | { action: 'review'; object: Record<string, unknown> }
  /** Only the read-only guard; `before` (an update's old object): what it already held is not held against it. */
  | { action: 'guard'; object: Record<string, unknown>; before?: Record<string, unknown> }
  /** Refused outright, with these reasons. */
  | { action: 'refuse'; object: Record<string, unknown>; reasons: DenialReason[] };

/**
 * Decides how a request is handled. Objects a controller made (a controller ownerReference: the
 * ReplicaSet of a Deployment, which inherits its annotations; the Pods of a Job) are not reviewed as
 * if the controller's service account had asked: their owner was reviewed, and its patch is in their
 * pod template. They, and every update, still get the read-only guard, so a direct reference to a
 * data volume's PVC is read-only however it arrives. An update may not change the data-volumes
 * annotation or the admission-review label (volumes are bound when an object is created); one of an
 * object already being deleted passes (finalizers must be removable).
 */
export function webhookAction(request: Pick<AdmissionReviewRequest, 'operation' | 'object' | 'oldObject'>): WebhookAction {
  const { object, oldObject } = request;
  if (!object) return { action: 'pass' };
  if (request.operation === 'CREATE') return isControllerOwned(object) ? { action: 'guard', object } : { action: 'review', object };
  if (request.operation !== 'UPDATE') return { action: 'pass' };
  const before = oldObject ?? undefined;
  if (before && metadataOf(before)?.['deletionTimestamp']) return { action: 'pass' };
  if (isControllerOwned(object)) return before ? { action: 'guard', object, before } : { action: 'guard', object };
  const reasons = immutableChanges(before, object);
  if (reasons.length > 0) return { action: 'refuse', object, reasons };
  return before ? { action: 'guard', object, before } : { action: 'guard', object };
}

/** True when an ownerReference says a controller manages the object. */
export function isControllerOwned(object: Record<string, unknown>): boolean {
  const owners = metadataOf(object)?.['ownerReferences'];
  return Array.isArray(owners) && owners.some((o: unknown) => typeof o === 'object' && o !== null && (o as Record<string, unknown>)['controller'] === true);
}

function immutableChanges(before: Record<string, unknown> | undefined, after: Record<string, unknown>): DenialReason[] {
  const reasons: DenialReason[] = [];
  const was = annotationOf(before);
  const is = annotationOf(after);
  if (was !== is) {
    reasons.push({
      code: 'ANNOTATION_IMMUTABLE',
      path: `/metadata/annotations/${DATA_VOLUMES_ANNOTATION.replace(/\//g, '~1')}`,
      message: `annotation ${DATA_VOLUMES_ANNOTATION} cannot be ${was === undefined ? 'added to' : is === undefined ? 'removed from' : 'changed on'} an existing object: data volumes are bound when it is created. Delete and re-create it with the annotation it should have`,
    });
  }
  if (reviewLabelOf(before) !== reviewLabelOf(after)) {
    reasons.push({
      code: 'ANNOTATION_IMMUTABLE',
      path: `/metadata/labels/${ADMISSION_REVIEW_LABEL.replace(/\//g, '~1')}`,
      message: `label ${ADMISSION_REVIEW_LABEL} is set by data volume admission and cannot be changed: it ties the object to the review that admitted it`,
    });
  }
  return reasons;
}

function annotationOf(object: Record<string, unknown> | undefined): string | undefined {
  const annotations = object ? metadataOf(object)?.['annotations'] : undefined;
  if (typeof annotations !== 'object' || annotations === null) return undefined;
  const value = (annotations as Record<string, unknown>)[DATA_VOLUMES_ANNOTATION];
  return typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
}

import { DATA_VOLUMES_ANNOTATION } from '@dv/contracts';
import { ADMISSION_REVIEW_LABEL } from '../review/review-label';
import { webhookAction } from './webhook-action';

const annotated = (value: string | undefined, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'serve', ...(value !== undefined ? { annotations: { [DATA_VOLUMES_ANNOTATION]: value } } : {}), ...extra },
  spec: { replicas: 1 },
});
const owned = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'serve', uid: 'u', controller: true }] };

describe('webhookAction', () => {
  it('reviews a new object, and only guards one a controller made from a reviewed owner', () => {
    expect(webhookAction({ operation: 'CREATE', object: annotated('[]') }).action).toBe('review');
    expect(webhookAction({ operation: 'CREATE', object: annotated('[]', owned) }).action).toBe('guard');
    // An ownerReference that is not a controller's (a plain owner) does not skip the review.
    const notController = { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u' }] };
    expect(webhookAction({ operation: 'CREATE', object: annotated('[]', notController) }).action).toBe('review');
  });

  it('guards plain updates (scale, image) against the object as it was', () => {
    const before = annotated('[{"id":"x","mountPath":"/d"}]');
    const after = { ...before, spec: { replicas: 3 } };
    expect(webhookAction({ operation: 'UPDATE', object: after, oldObject: before })).toEqual({ action: 'guard', object: after, before });
  });

  it('refuses an update that adds, changes or removes the annotation, or changes the review label', () => {
    const value = '[{"id":"x","mountPath":"/d"}]';
    for (const [before, after] of [
      [annotated(undefined), annotated(value)],
      [annotated(value), annotated('[{"id":"x","mountPath":"/e"}]')],
      [annotated(value), annotated(undefined)],
      [annotated(value, { labels: { [ADMISSION_REVIEW_LABEL]: 'r1' } }), annotated(value, { labels: { [ADMISSION_REVIEW_LABEL]: 'r2' } })],
    ] as const) {
      const action = webhookAction({ operation: 'UPDATE', object: after, oldObject: before });
      expect(action.action).toBe('refuse');
      if (action.action === 'refuse') expect(action.reasons.map((r) => r.code)).toEqual(['ANNOTATION_IMMUTABLE']);
    }
  });

  it('lets a controller sync annotations onto what it owns, and never stands in the way of a deletion', () => {
    expect(webhookAction({ operation: 'UPDATE', object: annotated('[1]', owned), oldObject: annotated(undefined, owned) }).action).toBe('guard');
    const deleting = annotated('[]', { deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect(webhookAction({ operation: 'UPDATE', object: annotated(undefined), oldObject: deleting }).action).toBe('pass');
    expect(webhookAction({ operation: 'DELETE', object: null, oldObject: annotated('[]') }).action).toBe('pass');
  });
});
